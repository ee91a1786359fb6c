"""Private conversations between members: off unless MEMBER_MESSAGES is on.

Then a member with at least MEMBER_MESSAGES_MIN_REPUTATION may write to another (staff and
moderators always may), within daily limits (web.limits, under POSTING_LIMITS), and never to
or from a member who blocked the other. Reports work as for conversations with the team.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from conversations.models import Block
from profiles import roles
from web import limits

DAY = 24 * 3600


def enabled() -> bool:
    return settings.MEMBER_MESSAGES


def blocked_between(one, other) -> bool:
    return Block.objects.filter(Q(blocker=one, blocked=other) | Q(blocker=other, blocked=one)).exists()


def check_can_write_to(sender, recipient):
    """Raise unless the sender may write privately to the recipient now."""
    if not enabled():
        raise PermissionDenied(_("Private messages between members are not open on this forum."))
    roles.check_can_post(sender)
    if not roles.is_member(recipient) or recipient.pk == sender.pk:
        raise ValidationError(_("Choose another member to write to."), code="recipient")
    if roles.is_limited(sender) and sender.reputation < settings.MEMBER_MESSAGES_MIN_REPUTATION:
        raise PermissionDenied(
            _("Private messages open at %(count)d reputation points.")
            % {"count": settings.MEMBER_MESSAGES_MIN_REPUTATION}
        )
    if blocked_between(sender, recipient):
        raise PermissionDenied(_("You cannot write to this member."))


def take_limit(sender, what: str):
    """One more message of the sender's daily allowance; raises web.limits.RateLimited over it."""
    if not settings.POSTING_LIMITS or not roles.is_limited(sender):
        return
    allowed = settings.MEMBER_CONVERSATIONS_PER_DAY if what == "conversation" else settings.MEMBER_MESSAGES_PER_DAY
    message = _("You have written enough private messages for today. Please try again later.")
    limits.take(f"member-messages:{what}:{sender.pk}", allowed, DAY, message)


def check_reply(conversation, author, participant_ids):
    """Before a message between members: still open, no block, within the day's allowance."""
    if conversation.is_team:
        return
    others = [pk for pk in participant_ids if pk != author.pk]
    if not enabled():
        raise PermissionDenied(_("Private messages between members are not open on this forum."))
    if Block.objects.filter(Q(blocker=author, blocked__in=others) | Q(blocker__in=others, blocked=author)).exists():
        raise PermissionDenied(_("You cannot write to this member."))
    take_limit(author, "message")


def block(*, blocker, blocked):
    """A suspended member may block too: it protects them, it writes nothing anyone reads."""
    if not roles.is_member(blocker) or blocked.pk == blocker.pk:
        raise ValidationError(_("You cannot block this member."), code="block")
    Block.objects.get_or_create(blocker=blocker, blocked=blocked)


def unblock(*, blocker, blocked):
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()
