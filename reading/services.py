"""Every write of read state: positions reported by pages (through reading.tracker), a member's
own posts, and "mark all as read"."""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from forum.models import Category, Post, Thread, Visibility
from reading import selectors, watching
from reading.models import ReadState


def record_reads(positions: dict[tuple[int, int], int]):
    """Move each (member, thread) read state up to its post, never back: `positions` maps
    (member pk, thread pk) to the last post read (reading.tracker's buffer)."""
    posts = {
        pk: (thread_pk, created_at)
        for pk, thread_pk, created_at in Post.objects.filter(pk__in=set(positions.values())).values_list(
            "pk", "thread_id", "created_at"
        )
    }
    with transaction.atomic():
        for (member_pk, thread_pk), post_pk in positions.items():
            if posts.get(post_pk, (None,))[0] != thread_pk:
                continue  # the post moved or was deleted since it was reported
            read_at = posts[post_pk][1]
            replies = selectors.replies_up_to(thread_pk, read_at, post_pk)
            advance(member_pk=member_pk, thread_pk=thread_pk, post_pk=post_pk, read_at=read_at, replies=replies)
        _forget_counts({member_pk for member_pk, _thread_pk in positions})


def advance(*, member_pk: int, thread_pk: int, post_pk: int | None, read_at: datetime, replies: int):
    """The member has read the thread up to this post (None: up to `read_at`, all of it)."""
    further = Q(read_at__lt=read_at)
    if post_pk is not None:
        further |= Q(read_at=read_at, post_id__lt=post_pk)
    state = {"post_id": post_pk, "read_at": read_at, "replies_read": replies, "updated_at": timezone.now()}
    updated = ReadState.objects.filter(member_id=member_pk, thread_id=thread_pk).filter(further).update(**state)
    if not updated:
        ReadState.objects.bulk_create(
            [ReadState(member_id=member_pk, thread_id=thread_pk, **state)], ignore_conflicts=True
        )


def read_own_post(post: Post):
    """A member who writes in a thread has read it up to what they wrote (a forum event's
    receiver, in the post's transaction): one statement, since a new post is the thread's
    last."""
    state = {"post_id": post.pk, "read_at": post.created_at, "updated_at": timezone.now()}
    state["replies_read"] = 0 if post.is_opening else post.thread.reply_count
    _upsert([ReadState(member_id=post.author_id, thread_id=post.thread_id, **state)])


def _upsert(states: list[ReadState]):
    ReadState.objects.bulk_create(
        states,
        update_conflicts=True,
        unique_fields=["member", "thread"],
        update_fields=["post_id", "read_at", "replies_read", "updated_at"],
    )


def mark_category_read(*, member, category: Category) -> int:
    """Every thread of the category that is new or unread for the member becomes read, up to its
    last post. Returns how many threads that was."""
    threads = list(
        selectors.new_or_unread(member, Thread.objects.filter(category=category, visibility=Visibility.VISIBLE))
        .order_by()
        .values_list("pk", "reply_count", "last_activity_at")
    )
    now = timezone.now()
    _upsert(
        [
            ReadState(member=member, thread_id=pk, post_id=None, read_at=last, replies_read=replies, updated_at=now)
            for pk, replies, last in threads
        ]
    )
    _forget_counts({member.pk})
    return len(threads)


def _forget_counts(member_pks: set[int]):
    """The members' tracked counts (reading.watching) are counted again: forgotten now, and again
    after the commit, in case a page counted them from the rows of before in between. A member's
    own post needs nothing: it changes the content's generation."""
    watching.forget_tracked(member_pks)
    transaction.on_commit(lambda: watching.forget_tracked(member_pks))
