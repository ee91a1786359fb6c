"""What /readyz says about search: whether the index opens, and how far the queue lags."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from whoosh.filedb.filestore import FileStorage

from config.health import DEGRADED, OK
from search import postgres
from search.models import IndexTask

# Queued updates older than this mean nobody applies them (is search_worker running?).
STALE_AFTER = timedelta(minutes=10)
COUNT_UP_TO = 10_000


def _index_opens() -> bool:
    """Whether the index can be read: the Whoosh folder opens read-only (its table of contents
    and schema), or PostgreSQL's index table answers (search/postgres.py)."""
    options = settings.HAYSTACK_CONNECTIONS["default"]
    try:
        if options["ENGINE"] == settings.SEARCH_ENGINES["postgres"]:
            postgres.read_index_table()
        else:
            FileStorage(options["PATH"], supports_mmap=False, readonly=True).open_index().close()
    except Exception:  # missing, unreadable or corrupt: all mean no search
        return False
    return True


def readiness() -> dict:
    opens = _index_opens()
    backlog = IndexTask.objects.values("pk")[:COUNT_UP_TO].count()
    oldest = IndexTask.objects.order_by("pk").values_list("created_at", flat=True).first()
    lagging = oldest is not None and oldest < timezone.now() - STALE_AFTER
    report = {
        "status": DEGRADED if not opens or lagging else OK,
        "index": "opens" if opens else "does not open",
        "backlog": backlog,
    }
    if oldest is not None:
        report["oldest_seconds"] = round((timezone.now() - oldest).total_seconds())
    return report
