"""What is new for a member: the "new" and "unread" filters of the forum's lists, a thread's
first unread post, the read states behind the marks of a list.

A thread is *new* to a member when it started in the last `READING_NEW_DAYS` days, by someone
else, and the member has no read state for it (never opened it, never marked it read); it is
*unread* when the member read it once and it has had visible replies since.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from forum import selectors as forum_selectors
from forum.models import Post, Thread, Visibility
from forum.rendering import RowState
from reading.models import ReadState
from web.prepared import Prepared


def new_since() -> datetime:
    return timezone.now() - timedelta(days=settings.READING_NEW_DAYS)


def _states(member) -> QuerySet[ReadState]:
    return ReadState.objects.filter(member=member, thread=OuterRef("pk"))


def new_q(member) -> Q:
    return Q(created_at__gte=new_since()) & ~Q(author=member) & ~Exists(_states(member))


def unread_q(member) -> Q:
    return Q(Exists(_states(member).filter(replies_read__lt=OuterRef("reply_count"))))


def new_threads(member, threads: QuerySet[Thread]) -> QuerySet[Thread]:
    return threads.filter(new_q(member))


def unread_threads(member, threads: QuerySet[Thread]) -> QuerySet[Thread]:
    return threads.filter(unread_q(member))


def new_or_unread(member, threads: QuerySet[Thread]) -> QuerySet[Thread]:
    return threads.filter(new_q(member) | unread_q(member))


def replies_up_to(thread_pk: int, created_at: datetime, post_pk: int) -> int:
    """The visible replies of the thread up to this post, the post included."""
    return (
        Post.objects.filter(thread_id=thread_pk, is_opening=False, visibility=Visibility.VISIBLE)
        .filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lte=post_pk))
        .count()
    )


# Read on every member's list and thread page (web/prepared.py).
_LIST_STATES = Prepared(
    lambda member, threads: ReadState.objects.filter(member=member, thread_id__in=threads).values_list(
        "thread_id", "replies_read"
    )
)
_THREAD_STATE = Prepared(
    lambda member, thread: ReadState.objects.filter(member=member, thread_id=thread).values_list(
        "post_id", "read_at", "replies_read"
    )
)


def replies_read(member, thread_pks: list[int]) -> dict[int, int]:
    """For each of these threads the member has a read state for: the replies they read."""
    if not thread_pks:
        return {}
    return dict(_LIST_STATES.rows(member=member.pk, threads=list(thread_pks)))


def read_state(member, thread_pk: int) -> tuple | None:
    """(post_id, read_at, replies_read) of the member in the thread, or None: never read."""
    rows = _THREAD_STATE.rows(member=member.pk, thread=thread_pk)
    return rows[0] if rows else None


def is_after(created_at: datetime, pk: int, state: tuple) -> bool:
    """Whether a post (its created_at and id) comes after the read state's position."""
    post_id, read_at = state[0], state[1]
    return created_at > read_at or (created_at == read_at and post_id is not None and pk > post_id)


def first_unread(member, thread: Thread) -> Post | None:
    """The first visible post after where the member stopped reading (None: nothing unread, or
    never read: the thread's start is where to begin)."""
    state = read_state(member, thread.pk)
    if state is None:
        return None
    post_id, read_at = state[0], state[1]
    after = Q(created_at__gt=read_at)
    if post_id is not None:
        after |= Q(created_at=read_at, pk__gt=post_id)
    return (
        Post.objects.filter(thread=thread, visibility=Visibility.VISIBLE)
        .filter(after)
        .select_related("thread")
        .order_by("created_at", "id")
        .first()
    )


def row_states(member, thread_pks) -> dict:
    """{pk: forum.rendering.RowState} of these threads, those the member may read: what their
    marks in a list read, as a list page records them."""
    threads = forum_selectors.visible_threads(member).filter(pk__in=list(thread_pks))
    fields = ("slug", *RowState.FIELDS)
    return {thread.pk: RowState.of(thread) for thread in threads.only(*fields)}
