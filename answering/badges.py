"""The rule of the badge "Came to help" (declared in reputation.badges, which cannot read
invitations: this app provides the rule at start-up)."""

from django.db.models import F

from answering.models import Invitation


def answered_invitations(members: list[int] | None) -> list[tuple[int, None]]:
    """Members whose accepted answer is on a question they were invited to answer.

    An invitation goes only to members who had not replied to the question, so their answer
    came after it. Official responses are the brand's job: they never count.
    """
    rows = Invitation.objects.filter(
        thread__accepted_answer__author=F("member"), thread__accepted_answer__is_official=False
    )
    if members is not None:
        rows = rows.filter(member__in=members)
    return [(member, None) for member in rows.values_list("member", flat=True).distinct().order_by()]
