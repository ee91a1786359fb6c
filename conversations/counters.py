"""Recompute the conversations' cached numbers from the rows they summarise: each
conversation's message_count, and each member's unread_conversations (their participant rows
marked unread). The services keep them right as they go; this is for repair after a bulk
import or a bug. Run: manage.py recount_conversations
"""

from django.db import transaction
from django.db.models import OuterRef

from conversations.models import Conversation, Message, Participant
from forum.counters import counted
from profiles.models import Member


@transaction.atomic
def recount_all():
    messages = Message.objects.filter(conversation=OuterRef("pk")).order_by().values("conversation")
    Conversation.objects.update(message_count=counted(messages, "conversation"))
    unread = Participant.objects.filter(member=OuterRef("pk"), unread=True).order_by().values("member")
    Member.objects.update(unread_conversations=counted(unread, "member"))
