"""The index queue: updates are rows first, applied to the index after commit.

Content services' events enqueue inside their transaction (search/receivers.py);
after commit this process tries to apply the queue without waiting for the
Whoosh lock: it reads the posts, and its helper process writes the index
(search/writer.py), away from the interpreter lock its requests share. What
cannot be applied now (the index is locked by another writer, the helper
failed, or the process dies) stays queued for the next commit or for
`manage.py search_worker`.

A write costs tens of milliseconds however few posts it carries (Whoosh commits
a segment and merges the small ones), so a process writes at most once per
SEARCH_INLINE_INTERVAL_MS: a commit that comes sooner leaves its update to one
timed write, which carries everything queued by then. Sixteen members replying
at once then share one index write a second instead of paying one each.
"""

import logging
import threading
import time

from django import db
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from haystack import connections
from whoosh.index import LockError

from forum.models import Post
from search.models import IndexTask
from search.search_indexes import PostIndex, indexable_posts

log = logging.getLogger(__name__)
BATCH = 500


def enqueue(kind: str, ids) -> None:
    """Queue index updates; the caller holds the content's transaction."""
    tasks = [IndexTask(kind=kind, object_id=pk) for pk in set(ids) if pk]
    if not tasks:
        return
    # A task already queued for the object is renewed (a new created_at): whoever read the old one
    # (apply_pending, rebuild_index) leaves it for the next run, as this change may be newer than what they wrote.
    IndexTask.objects.bulk_create(
        tasks, update_conflicts=True, unique_fields=["kind", "object_id"], update_fields=["created_at"]
    )
    if settings.SEARCH_INLINE_UPDATES:
        transaction.on_commit(apply_soon)


class _Pace:
    """When this process last wrote the index, whether it is writing, and the timed write to come."""

    lock = threading.Lock()  # guards last_write and timer
    writing = threading.Lock()  # held while this process writes the index
    last_write = float("-inf")  # when the last write ended
    timer: threading.Timer | None = None


def apply_soon():
    """After commit: apply what is queued now or, if this process wrote the index less than
    SEARCH_INLINE_INTERVAL_MS ago or is writing it, in one timed write; never raise."""
    interval = settings.SEARCH_INLINE_INTERVAL_MS / 1000
    with _Pace.lock:
        if _Pace.timer is not None:
            return  # the timed write reads the queue when it starts, so after this commit
        wait = _Pace.last_write + interval - time.monotonic()
        if wait > 0 or not _Pace.writing.acquire(blocking=False):
            # While a write is in progress its end is not known yet: one interval from now.
            _Pace.timer = threading.Timer(wait if wait > 0 else interval, _timed_write)
            _Pace.timer.daemon = True
            _Pace.timer.start()
            return
    _write_and_release()


def _timed_write():
    # The timer stays announced until it holds the index, so that commits meanwhile leave their
    # update to it rather than each starting a timer of its own.
    _Pace.writing.acquire()  # after a write still in progress, if any
    with _Pace.lock:
        _Pace.timer = None
    try:
        _write_and_release()
    finally:
        db.connections.close_all()  # this thread's own connection


def _write_and_release():
    """Apply the queue, the index's side in this process's helper (search/writer.py: not under
    the interpreter lock that the requests share); the caller holds _Pace.writing, given back here."""
    try:
        apply_pending(wait=0, aside=True)
    except Exception:
        log.warning("search index update deferred; search_worker or the next commit will apply it", exc_info=True)
    finally:
        _Pace.last_write = time.monotonic()
        _Pace.writing.release()


def _backend():
    return connections["default"].get_backend()


def _post_ids(tasks) -> set[int]:
    ids = {t.object_id for t in tasks if t.kind == IndexTask.Kind.POST}
    threads = [t.object_id for t in tasks if t.kind == IndexTask.Kind.THREAD]
    if threads:
        ids |= set(Post.objects.filter(thread_id__in=threads).values_list("pk", flat=True))
    return ids


def apply_pending(*, wait: float = 0, limit: int = BATCH, aside: bool = False) -> int:
    """Apply up to `limit` queued tasks in one index commit; returns how many were applied.

    Raises LockError when another writer holds the index longer than `wait`, and any error of
    the write (`aside`: in this process's helper, search/writer.py): the tasks stay queued.
    """
    tasks = list(IndexTask.objects.order_by("pk")[:limit])
    if not tasks:
        return 0
    ids = _post_ids(tasks)
    index = PostIndex()
    posts = index.posts_by_id(ids)
    documents = [index.full_prepare(post) for post in posts]
    kept = {post.pk for post in posts}
    removed = [f"forum.post.{pk}" for pk in ids - kept]
    _backend().write(documents, removed, wait=wait, aside=aside)
    settle(tasks)
    return len(tasks)


def settle(tasks) -> None:
    """Delete tasks whose change is now in the index, unless they were renewed since they were read."""
    for start in range(0, len(tasks), 100):
        unchanged = Q()
        for task in tasks[start : start + 100]:
            unchanged |= Q(pk=task.pk, created_at=task.created_at)
        IndexTask.objects.filter(unchanged).delete()


def apply_all(*, wait: float = 5) -> int:
    total = 0
    while True:
        try:
            applied = apply_pending(wait=wait)
        except LockError:
            return total
        if not applied:
            return total
        total += applied


def all_documents(chunk: int = 2000):
    """Every indexable post as a document, read in chunks of plain values: the rebuild's input."""
    index = PostIndex()
    last = 0
    while True:
        posts = index.light_posts(last, chunk)
        if not posts:
            return
        for post in posts:
            yield index.full_prepare(post)
        last = posts[-1].pk


def pending_count() -> int:
    return IndexTask.objects.count()


def indexable_count() -> int:
    return indexable_posts().count()
