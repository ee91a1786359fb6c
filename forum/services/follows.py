"""Following and muting threads, and carrying a thread's followers to another."""

from django.db import transaction

from forum import events, permissions
from forum.models import Follow, Thread
from profiles.models import Member


def _set_level(thread: Thread, member: Member, level: str | None):
    permissions.check_can_follow(member, thread)
    with transaction.atomic():
        if level is None:
            Follow.objects.filter(thread=thread, member=member).delete()
        else:
            Follow.objects.update_or_create(thread=thread, member=member, defaults={"level": level})
        events.follow_changed.send(sender=Follow, thread=thread, member=member, level=level)


def follow_thread(*, thread: Thread, member: Member):
    _set_level(thread, member, Follow.Level.FOLLOWING)


def mute_thread(*, thread: Thread, member: Member):
    _set_level(thread, member, Follow.Level.MUTED)


def unfollow_thread(*, thread: Thread, member: Member):
    _set_level(thread, member, None)


def carry_followers(*, source: Thread, target: Thread) -> int:
    """Members who follow `source` follow `target` too, unless they have a row for it already (a
    muted target stays muted). Returns how many now follow `target`.

    For an app above the forum that folds one thread into another (an idea merged into another)
    after checking its own rule, inside its transaction: its own event announces the move, so
    no follow_changed is sent for each member."""
    known = Follow.objects.filter(thread=target).values("member")
    members = (
        Follow.objects.filter(thread=source, level=Follow.Level.FOLLOWING)
        .exclude(member__in=known)
        .values_list("member", flat=True)
    )
    rows = [Follow(thread=target, member_id=pk, level=Follow.Level.FOLLOWING) for pk in members]
    Follow.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
