"""What a conversation sends to open sockets, after the commit, to its participants alone.

Each participant's own group (web.push.member_group) gets the message's id and address; the
browser fetches the message rendered for it (access checked again by the page). Every push
carries the conversation's audience, read after the commit, which the consumer checks against
the reader as they are when it arrives (notifications.access): a staff member whose role was
taken away since gets nothing more of a conversation with the team.
"""

from django.urls import reverse

from conversations.models import Conversation, Participant
from profiles.models import Member
from web import push


def audience(conversation_id: int) -> dict | None:
    """Who may receive news of the conversation, as it is now; None if it is gone."""
    row = Conversation.objects.filter(pk=conversation_id).values_list("member", "kind").first()
    if row is None:
        return None
    owner, kind = row
    members = list(Participant.objects.filter(conversation_id=conversation_id).values_list("member", flat=True))
    return {"conversation": [owner, kind == Conversation.Kind.TEAM, members]}


def message_on_commit(message):
    conversation_id, message_id = message.conversation_id, message.pk

    def build():
        seen = audience(conversation_id)
        if seen is None:
            return []
        counts = dict(Member.objects.filter(pk__in=seen["conversation"][2]).values_list("pk", "unread_conversations"))
        url = reverse("conversations:message", args=[message_id])
        return [
            push.relay(
                push.member_group(pk),
                {
                    "type": "conversation.message",
                    "conversation": conversation_id,
                    "message": message_id,
                    "url": url,
                    "inbox": count,
                },
                seen,
            )
            for pk, count in counts.items()
        ]

    push.on_commit(build)


def inbox_on_commit(member_id: int):
    """The member's count of unread conversations changed: their other tabs show the new one."""

    def build():
        count = Member.objects.filter(pk=member_id).values_list("unread_conversations", flat=True).first()
        return [] if count is None else [push.relay(push.member_group(member_id), {"type": "inbox", "count": count})]

    push.on_commit(build)
