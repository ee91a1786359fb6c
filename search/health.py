"""What /readyz says about search: whether the index opens, and how far the queue lags."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from whoosh.filedb.filestore import FileStorage

from config.health import DEGRADED, OK
from search.models import IndexTask

# Queued updates older than this mean nobody applies them (is search_worker running?).
STALE_AFTER = timedelta(minutes=10)
COUNT_UP_TO = 10_000


def _index_opens() -> bool | None:
    """Open the Whoosh index read-only (its table of contents and schema); None for another engine."""
    path = settings.HAYSTACK_CONNECTIONS["default"].get("PATH")
    if path is None:
        return None
    try:
        FileStorage(path, supports_mmap=False, readonly=True).open_index().close()
    except Exception:  # missing, unreadable or corrupt: all mean no search
        return False
    return True


def readiness() -> dict:
    opens = _index_opens()
    backlog = IndexTask.objects.values("pk")[:COUNT_UP_TO].count()
    oldest = IndexTask.objects.order_by("pk").values_list("created_at", flat=True).first()
    lagging = oldest is not None and oldest < timezone.now() - STALE_AFTER
    report = {
        "status": DEGRADED if opens is False or lagging else OK,
        "index": {None: "not checked", True: "opens", False: "does not open"}[opens],
        "backlog": backlog,
    }
    if oldest is not None:
        report["oldest_seconds"] = round((timezone.now() - oldest).total_seconds())
    return report
