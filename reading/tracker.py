"""Read positions reported by pages, written a few seconds later and together.

Reading a thread page writes nothing: the page reports the last post its reader saw
(static/js/reading.js: a beacon, `navigator.sendBeacon`, when the reader leaves the page or
hides the tab, and every few seconds while new posts come into view), and `record` keeps it
in this process's buffer, keyed by (member, thread). Reports for the same key coalesce: only
the furthest post is kept, so a member scrolling through a long thread costs one row write,
not one per post or per report.

The buffer is written by `flush`, in one transaction, at most once every
`READING_FLUSH_SECONDS` (5 by default) per process, whatever the number of members and
reports: the first report after a quiet spell is written at once (in that report's request),
later ones wait for a timer that writes the whole buffer when the interval is over. So each
member's read state is written at most once per interval per process; with several server
processes, each writes its own members' reports. A crash loses the positions of the last
interval at most, which the reader's next report restores; a process that stops normally
writes its buffer on the way out. `READING_FLUSH_SECONDS = 0` writes each report at once (the
tests).
"""

import atexit
import logging
import threading
import time

from django.conf import settings
from django.db import connections

log = logging.getLogger(__name__)


class Tracker:
    def __init__(self):
        self._pending: dict[tuple[int, int], int] = {}
        self._lock = threading.Lock()
        self._flushed_at = float("-inf")
        self._timer: threading.Timer | None = None

    def record(self, *, member_pk: int, thread_pk: int, post_pk: int):
        """Keep the position (the post must be one of the thread's that the member may read)."""
        interval = settings.READING_FLUSH_SECONDS
        with self._lock:
            key = (member_pk, thread_pk)
            self._pending[key] = max(post_pk, self._pending.get(key, 0))
            wait = self._flushed_at + interval - time.monotonic()
            if wait > 0:
                if self._timer is None:
                    self._timer = threading.Timer(wait, self._flush_later)
                    self._timer.daemon = True
                    self._timer.start()
                return
        self.flush()

    def pending(self) -> dict[tuple[int, int], int]:
        with self._lock:
            return dict(self._pending)

    def flush(self):
        """Write every buffered position now, in one transaction."""
        from reading import services

        with self._lock:
            positions, self._pending = self._pending, {}
            self._flushed_at = time.monotonic()
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        if positions:
            services.record_reads(positions)

    def _flush_later(self):
        """The timer's thread: its database connections are its own, closed when it is done."""
        try:
            self.flush()
        except Exception:
            log.exception("read positions could not be written")
        finally:
            connections.close_all()

    def flush_at_exit(self):
        try:
            self.flush()
        except Exception:
            log.exception("read positions could not be written on the way out")

    def reset(self):
        """Forget the buffer and the interval (for tests)."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._pending, self._timer, self._flushed_at = {}, None, float("-inf")


tracker = Tracker()
atexit.register(tracker.flush_at_exit)
