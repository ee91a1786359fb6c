"""Bookmarks: a thread or a post a member keeps, with a note and an optional reminder that
notifies them when it is due (notifications asks for the due ones through
forum.hooks.provide_due_reminders, on each round of its `send_reminders` command)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import permissions
from forum.models import Post, Thread, Visibility
from reading.models import Bookmark

REMINDERS_PER_ROUND = 500


def target_for(member, *, thread_pk=None, post_pk=None) -> tuple[Thread, Post | None]:
    """The thread (and post) to keep, or 404 if the member may not read it."""
    if post_pk is not None:
        post = Post.objects.select_related("thread__category", "author").filter(pk=post_pk).first()
        if post is None or not permissions.can_see_post_body(member, post):
            raise Http404
        thread = post.thread
    else:
        post, thread = None, Thread.objects.select_related("category").filter(pk=thread_pk).first()
        if thread is None:
            raise Http404
    permissions.check_can_read_thread(member, thread)
    return thread, post


def bookmark_of(member, thread, post) -> Bookmark | None:
    return Bookmark.objects.filter(member=member, thread=thread, post=post).first()


def save_bookmark(*, member, thread: Thread, post: Post | None = None, note: str = "", remind_at=None) -> Bookmark:
    """Keep the thread or post (again: the note and reminder change). A reminder must be in the
    future; a new reminder date will notify again."""
    permissions.check_can_read_thread(member, thread)
    if remind_at is not None and remind_at <= timezone.now():
        raise ValidationError(_("Choose a reminder date in the future."), code="remind_at")
    with transaction.atomic():
        bookmark, created = Bookmark.objects.get_or_create(
            member=member, thread=thread, post=post, defaults={"note": note, "remind_at": remind_at}
        )
        if not created:
            if bookmark.remind_at != remind_at:
                bookmark.reminded_at = None
            bookmark.note, bookmark.remind_at = note, remind_at
            bookmark.save(update_fields=["note", "remind_at", "reminded_at"])
    return bookmark


def remove_bookmark(*, member, pk: int) -> bool:
    return Bookmark.objects.filter(member=member, pk=pk).delete()[0] > 0


def bookmarks_of(member) -> QuerySet[Bookmark]:
    """The member's bookmarks that they may still read (a thread moved to a staff-only category
    or a post hidden since leave the list, and come back with their access)."""
    readable_post = Q(post__isnull=True) | Q(post__visibility=Visibility.VISIBLE) | Q(post__author=member)
    return (
        Bookmark.objects.filter(member=member)
        .filter(permissions.readable_threads_q(member, prefix="thread__"), readable_post)
        .select_related("thread__category", "post__author")
        .order_by("-created_at", "-pk")
    )


@dataclass
class Reminder:
    member: object
    thread: Thread
    post: Post | None
    note: str
    url: str


def claim_due_reminders(now=None) -> list[Reminder]:
    """The reminders due, each marked as sent: the caller holds the transaction in which it
    tells the members (so a failure leaves them due). On PostgreSQL, rows another round holds
    are skipped, so two runners never remind twice."""
    now = now or timezone.now()
    due = list(
        Bookmark.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(remind_at__lte=now, reminded_at__isnull=True)
        .select_related("member", "thread__category", "post")
        .order_by("remind_at", "pk")[:REMINDERS_PER_ROUND]
    )
    Bookmark.objects.filter(pk__in=[b.pk for b in due]).update(reminded_at=now)
    return [Reminder(b.member, b.thread, b.post, b.note, b.get_absolute_url()) for b in due]
