"""The rule of the badge "Came to help" (declared in reputation.badges, which cannot read
invitations: this app provides the rule at start-up)."""

from answering.models import Invitation, answer_accepted


def answered_invitations(members: list[int] | None) -> list[tuple[int, None]]:
    """Members whose accepted answer is on a question they were invited to answer (answer_accepted)."""
    rows = Invitation.objects.filter(answer_accepted())
    if members is not None:
        rows = rows.filter(member__in=members)
    return [(member, None) for member in rows.values_list("member", flat=True).distinct().order_by()]
