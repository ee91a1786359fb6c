"""Who may receive a live message, decided when it is delivered.

Every message published to a group carries its audience: what a reader must be allowed
to see for the message to reach them. The audience is read from the database after the
commit that caused the message, and the consumer checks it against the member as they are
when it arrives (notifications.consumers). So a thread moved to a staff-only category, an
opening post hidden, or a role taken away stops the flow at once, even to a socket that
subscribed before the change.

An audience is a small dict that travels through the channel layer:
    {"thread": [category access, thread visibility, thread author id]}
    {"role": "moderator"} or {"role": "staff"}
    {"conversation": [its member's id, whether it is with the team, participant ids]}
and None for messages meant for the member's own group alone (an unread count).
"""

import hashlib

from conversations.permissions import may_read as may_read_conversation
from forum.models import Thread
from forum.permissions import can_read
from profiles import roles
from web import push


def _threads_now(thread_ids) -> dict[int, tuple[int, dict]]:
    """{thread pk: (its category's pk, its audience)}, read now (after the commit)."""
    rows = Thread.objects.filter(pk__in=set(thread_ids)).values_list(
        "pk", "category_id", "category__access", "visibility", "author_id"
    )
    return {pk: (category, {"thread": [access, visible, author]}) for pk, category, access, visible, author in rows}


def of_threads(thread_ids) -> dict[int, dict]:
    """The current audience of each thread, read now (after the commit). A thread that no
    longer exists has none: nothing about it is delivered."""
    return {pk: audience for pk, (_category, audience) in _threads_now(thread_ids).items()}


def to_thread(thread_id: int, message: dict, *, lists: bool = False) -> list[push.Push]:
    """A message for the readers of a thread, as the thread is now: none if it is gone. With
    `lists`, for the open list pages of its category too (a reply's new count)."""
    found = _threads_now([thread_id]).get(thread_id)
    if found is None:
        return []
    category, audience = found
    groups = [push.thread_group(thread_id), *([push.category_group(category)] if lists else [])]
    return [push.relay(group, message, audience) for group in groups]


def to_lists(thread_id: int, message: dict, *, tag_ids=()) -> list[push.Push]:
    """A message for the open list pages that would show the thread (a new one): its
    category's (and so the home page's) and its tags', with the thread's audience as it is now."""
    found = _threads_now([thread_id]).get(thread_id)
    if found is None:
        return []
    category, audience = found
    groups = [push.category_group(category), *(push.tag_group(pk) for pk in tag_ids)]
    return [push.relay(group, message, audience) for group in groups]


def may_receive(member, audience: dict | None) -> bool:
    if not roles.is_member(member):
        return False
    if not audience:
        return True
    if "thread" in audience:
        access, visibility, author_id = audience["thread"]
        if not can_read(member, access=access, visibility=visibility, author_id=author_id):
            return False
    if "conversation" in audience:
        owner_id, team, participant_ids = audience["conversation"]
        if not may_read_conversation(member, owner_id=owner_id, team=team, participant_ids=participant_ids):
            return False
    role = audience.get("role")
    if role == "moderator":
        return roles.is_moderator(member)
    if role == "staff":
        return roles.sees_staff_areas(member)
    return True


def signature(member) -> tuple:
    """What a socket's groups and deliveries depend on: when it changes, the socket must
    start again from the member as they are now."""
    return (roles.is_member(member), roles.sees_staff_areas(member), roles.is_moderator(member), member.is_suspended)


def session_fingerprint(session_key: str | None) -> str:
    """Names a session in a control message without carrying the key itself through Redis."""
    return hashlib.sha256(f"agora-session:{session_key}".encode()).hexdigest()[:32] if session_key else ""
