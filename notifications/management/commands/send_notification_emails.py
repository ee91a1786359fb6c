from notifications.email import send_due
from web.commands import PeriodicCommand


class Command(PeriodicCommand):
    help = "Email notifications still unread after the delay, and daily digests. Run from cron, or with --loop."
    report = "{count} email(s) sent."

    def run_once(self) -> int:
        return send_due()
