"""Following and muting threads."""

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
