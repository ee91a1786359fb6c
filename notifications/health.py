"""What /readyz says about the email queue: notifications waiting to be emailed."""

from datetime import timedelta

from django.utils import timezone

from config.health import DEGRADED, OK
from notifications.email import due

# Due for longer than this: nobody sends them (is `send_notification_emails --loop` or its cron running?).
STALE_AFTER = timedelta(minutes=30)
COUNT_UP_TO = 10_000


def readiness() -> dict:
    now = timezone.now()
    waiting = due(now)
    count = waiting.values("pk")[:COUNT_UP_TO].count()
    oldest = waiting.order_by("updated_at").values_list("updated_at", flat=True).first() if count else None
    lagging = oldest is not None and oldest < now - STALE_AFTER
    report = {"status": DEGRADED if lagging else OK, "waiting": count}
    if oldest is not None:
        report["oldest_seconds"] = round((now - oldest).total_seconds())
    return report
