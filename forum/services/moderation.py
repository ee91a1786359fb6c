"""Changes to content that only moderators make: visibility, lock, pin, move (and the lock of
a thread that an app above the forum closed, which its own rule allows to staff too).

moderation/ calls these (and records each in its audit log); they keep the
forum's counters right, because hidden and deleted content never counts in
public numbers.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from forum import events
from forum.models import Category, Post, Thread, Visibility
from profiles import roles


def _post_counts(post: Post, delta: int):
    """A reply entering or leaving the visible set moves the thread's and category's counts."""
    if post.is_reply:
        Thread.objects.filter(pk=post.thread_id).update(reply_count=F("reply_count") + delta)
        _refresh_latest(post.thread_id)
    if post.thread.visibility == Visibility.VISIBLE:
        Category.objects.filter(pk=post.thread.category_id).update(post_count=F("post_count") + delta)


def _refresh_latest(thread_id: int):
    """The last reply and the official flag that lists show follow the visible posts, as recount_forum has them."""
    visible = Post.objects.filter(thread_id=thread_id, visibility=Visibility.VISIBLE)
    last = visible.order_by("-created_at", "-id").values("created_at", "author").first()
    official = visible.filter(is_opening=False, is_official=True).order_by("created_at")
    first_official_at = official.values_list("created_at", flat=True).first()
    Thread.objects.filter(pk=thread_id).update(
        last_activity_at=last["created_at"] if last else F("created_at"),
        last_poster=last["author"] if last else None,
        has_official_response=first_official_at is not None,
        first_official_at=first_official_at,
    )


def set_post_visibility(*, post: Post, by, visibility: str, reason: str = "") -> tuple[str, str]:
    """Hide, delete or restore one post. Returns (old, new). An opening post carries its thread along.

    `by` is None for the automatic hide after repeated reports.
    """
    if by is not None:
        roles.check_is_moderator(by)
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("thread", "thread__category").get(pk=post.pk)
        old = post.visibility
        if old == visibility:
            return old, visibility
        post.visibility, post.moderation_reason = visibility, reason if visibility != Visibility.VISIBLE else ""
        post.save(update_fields=["visibility", "moderation_reason"])
        if post.is_opening:
            _set_thread_visibility(post.thread, visibility)
        elif (old == Visibility.VISIBLE) != (visibility == Visibility.VISIBLE):
            _post_counts(post, +1 if visibility == Visibility.VISIBLE else -1)
        events.post_visibility_changed.send(sender=Post, post=post, by=by, old=old, new=visibility, reason=reason)
    return old, visibility


def _set_thread_visibility(thread: Thread, visibility: str):
    was_visible = thread.visibility == Visibility.VISIBLE
    thread.visibility = visibility
    thread.save(update_fields=["visibility"])
    now_visible = visibility == Visibility.VISIBLE
    if was_visible != now_visible:
        sign = 1 if now_visible else -1
        posts = Post.objects.filter(thread=thread, visibility=Visibility.VISIBLE).count()
        # The opening post's own visibility already changed; count it as part of the thread.
        posts += 0 if now_visible else 1
        Category.objects.filter(pk=thread.category_id).update(
            thread_count=F("thread_count") + sign, post_count=F("post_count") + sign * posts
        )


def _change_thread(thread: Thread, by, change: str, **values) -> Thread:
    roles.check_is_moderator(by)
    return _write_thread_change(thread, by, change, **values)


def _write_thread_change(thread: Thread, by, change: str, **values) -> Thread:
    """The change itself; the caller checked who may make it."""
    with transaction.atomic():
        thread = Thread.objects.select_for_update().select_related("category").get(pk=thread.pk)
        before = {name: getattr(thread, name) for name in values}
        if before == values:
            return thread
        for name, value in values.items():
            setattr(thread, name, value)
        thread.save(update_fields=list(values))
        events.thread_changed.send(sender=Thread, thread=thread, by=by, change=change, before=before)
    return thread


def lock_thread(*, thread: Thread, by, locked: bool = True) -> Thread:
    return _change_thread(thread, by, "locked" if locked else "unlocked", is_locked=locked)


def lock_closed_thread(*, thread: Thread, by) -> Thread:
    """Lock a thread whose subject an app above the forum closed for good, as part of its own
    action (an idea merged into another: its replies belong to the idea it went into).

    Brand staff may do this too, not only moderators: the caller checked its own rule for the
    closing (ideas.permissions.check_can_merge), and this floor keeps plain members out.
    Unlocking stays with moderators (lock_thread)."""
    if not roles.sees_staff_areas(by):
        raise PermissionDenied(_("Only staff, moderators and administrators can do this."))
    return _write_thread_change(thread, by, "locked", is_locked=True)


def pin_thread(*, thread: Thread, by, pinned: bool = True) -> Thread:
    return _change_thread(thread, by, "pinned" if pinned else "unpinned", is_pinned=pinned)


def pin_official_thread(*, thread: Thread, by, pinned: bool = True) -> Thread:
    """Pin (or unpin) a thread that an app above the forum made the brand's single source of
    truth for a while (an incident), as part of its own action.

    Brand staff may do this too, not only moderators: the caller checked its own rule, and this
    floor keeps plain members out (pin_thread stays with moderators)."""
    if not roles.sees_staff_areas(by):
        raise PermissionDenied(_("Only staff, moderators and administrators can do this."))
    return _write_thread_change(thread, by, "pinned" if pinned else "unpinned", is_pinned=pinned)


def move_thread(*, thread: Thread, by, category: Category) -> Thread:
    """Move a thread and carry its counts from the old category to the new one."""
    roles.check_is_moderator(by)
    with transaction.atomic():
        old_category_id = Thread.objects.select_for_update().values_list("category_id", flat=True).get(pk=thread.pk)
        if old_category_id == category.pk:
            return thread
        thread = _change_thread(thread, by, "moved", category=category)
        if thread.visibility == Visibility.VISIBLE:
            posts = Post.objects.filter(thread=thread, visibility=Visibility.VISIBLE).count()
            Category.objects.filter(pk=old_category_id).update(
                thread_count=F("thread_count") - 1, post_count=F("post_count") - posts
            )
            Category.objects.filter(pk=category.pk).update(
                thread_count=F("thread_count") + 1, post_count=F("post_count") + posts
            )
    return thread
