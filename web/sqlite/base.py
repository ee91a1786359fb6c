"""SQLite for a server under load: writers queued in Python, connections kept open, bigger batches.

Writers. With transaction_mode IMMEDIATE, a second writer's BEGIN waits until the first one
commits. SQLite makes it wait by sleeping and trying again, in sleeps that grow to 100 ms, so
under a burst of writes the lock is free much of the time while every waiter sleeps: with
sixteen members replying at once, half of the server's time went to waiting in BEGIN
IMMEDIATE. Here the threads of one process queue on a lock of their own, taken before BEGIN
and given back at COMMIT or ROLLBACK, so the next writer starts the moment the last one ends,
in the order they came.
Writers in other processes (a second server, the search worker, a command) still meet
SQLite's busy timeout. Only transactions (transaction.atomic) queue here; a lone write
outside one still meets the busy timeout. The wait is bounded by the same timeout as SQLite's:
past it, BEGIN goes ahead and SQLite decides, as without this backend.

Connections. Under ASGI each request runs in a thread of its own, so Django opens a
connection for every request and closes it at the end (persistent connections are
per-thread, and the threads do not last). A new SQLite connection parses the schema again
and prepares every statement afresh: 4-8 ms of a reply's 30. Closed connections that are
idle and clean (autocommit, no error) wait here for the next request of the process instead,
a few of them; the rest are closed. An in-memory database (the tests') is never kept.

Batches. Django assumes SQLite's old limit of 999 parameters a statement, so a bulk insert of
notification rows (12 fields) took one statement per 83 followers; SQLite has taken 32,766
since 3.32 (the limit is read from the library), and a thread's followers get theirs in one.

Checkpoints. In WAL mode SQLite copies the log's pages back into the database from inside the
commit that fills the log (1,000 pages by default), syncing both files: 20-30 ms here, while
that commit's writer still held the lock of the process and every other writer waited. A reply
writes about 32 pages, so sixteen members replying at once filled it every 30 replies. Here
every CHECKPOINT_EVERY transactions of the process, the writer that committed the last one
checkpoints after giving the lock back (PASSIVE: it waits for no one, and writers go on
meanwhile); SQLite's own is left for WAL_PAGES_KEPT pages, for writes made outside transactions.
"""

import collections
import contextlib
import logging
import sqlite3
import threading

from django.db.backends.sqlite3 import base, features


class _FairLock:
    """A lock handed to its waiters in the order they came. threading.Lock wakes any waiter,
    and under a burst of writes some requests lost the race again and again: sixteen members
    replying at once waited 0.3 s at the median and 0.8 s at the 95th percentile."""

    def __init__(self):
        self._mutex = threading.Lock()
        self._waiters: collections.deque[threading.Lock] = collections.deque()
        self._held = False

    def acquire(self, timeout: float = -1) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            waiter = threading.Lock()
            waiter.acquire()
            self._waiters.append(waiter)
        if waiter.acquire(timeout=timeout):
            return True  # handed over by release(): still held, now by this thread
        with self._mutex:
            try:
                self._waiters.remove(waiter)
            except ValueError:
                return True  # handed over just as the wait ended
            return False

    def release(self):
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()
            else:
                self._held = False

    def locked(self) -> bool:
        return self._held


_writer = _FairLock()

IDLE_CONNECTIONS = 8  # kept open per database, beyond those in use
CHECKPOINT_EVERY = 25  # transactions of a process between its checkpoints: some 800 pages of replies
WAL_PAGES_KEPT = 10_000  # SQLite's own checkpoint, for what the process writes outside transactions

log = logging.getLogger(__name__)


class _Idle:
    """Open connections that no request is using, by database."""

    lock = threading.Lock()
    connections: dict[str, list[sqlite3.Connection]] = {}


class _Checkpoints:
    """Transactions each database had from this process since its last checkpoint."""

    lock = threading.Lock()
    commits: dict[str, int] = {}

    @classmethod
    def due(cls, key: str) -> bool:
        """One more commit: whether it is the one that checkpoints."""
        with cls.lock:
            count = cls.commits.get(key, 0) + 1
            cls.commits[key] = 0 if count >= CHECKPOINT_EVERY else count
        return count >= CHECKPOINT_EVERY


def _parameters_per_statement() -> int:
    with contextlib.closing(sqlite3.connect(":memory:")) as probe:
        return probe.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


class DatabaseFeatures(features.DatabaseFeatures):
    max_query_params = _parameters_per_statement()


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
    holds_writer = False
    idle_key = None  # which idle connections this one may join and be taken from; None: never kept

    # Connections ---------------------------------------------------------------------------

    def get_new_connection(self, conn_params):
        self.idle_key = None if self.is_in_memory_db() else repr(sorted(conn_params.items()))
        if self.idle_key is not None:
            with _Idle.lock:
                idle = _Idle.connections.get(self.idle_key)
                if idle:
                    return idle.pop()
        connection = super().get_new_connection(conn_params)
        if self.idle_key is not None:
            connection.execute(f"PRAGMA wal_autocheckpoint={WAL_PAGES_KEPT}")
        return connection

    def _close(self):
        try:
            if not self._keep_idle():
                return super()._close()
        finally:
            self._release_writer()

    def _keep_idle(self) -> bool:
        """Hand the connection to the next request of the process, if it is clean and wanted."""
        connection = self.connection
        if connection is None or self.idle_key is None or self.in_atomic_block or self.errors_occurred:
            return False
        if connection.in_transaction:
            return False
        with _Idle.lock:
            idle = _Idle.connections.setdefault(self.idle_key, [])
            if len(idle) >= IDLE_CONNECTIONS:
                return False
            idle.append(connection)
        return True

    # Writers -------------------------------------------------------------------------------

    def _start_transaction_under_autocommit(self):
        # An in-memory database (the tests') has no busy handler to replace, and a test's own
        # transaction lasts the whole test.
        if not self.is_in_memory_db():
            self.holds_writer = _writer.acquire(timeout=self.settings_dict["OPTIONS"].get("timeout", 5))
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writer()
            raise

    def _commit(self):
        held = self.holds_writer
        try:
            committed = super()._commit()
        finally:
            self._release_writer()
        if held and _Checkpoints.due(self.idle_key):
            self._checkpoint()
        return committed

    def _checkpoint(self):
        """Copy the log's pages back into the database, the lock given back (see Checkpoints)."""
        try:
            self.connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error:
            # The commit stands; the next checkpoint, or SQLite's own, copies the pages.
            log.warning("SQLite checkpoint failed", exc_info=True)

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_writer()

    def _release_writer(self):
        if self.holds_writer:
            self.holds_writer = False
            _writer.release()
