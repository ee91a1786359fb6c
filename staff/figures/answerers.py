"""Who answers: whether each question's first answer came from a member or from brand staff, how
long it took each of them, and how the invitations to answer did.

The first answer is the question's first reply (aggregates.with_first_reply: the earliest visible
reply by someone other than the asker); it is *by staff* when its author is brand staff now
(profiles.roles.brand_staff_q: brand staff and admins), *by members* otherwise, moderators
included. How many questions each answered first is counted with the other counts, per category
(aggregates.Figures.first_by_members and first_by_staff); this module adds the times, for the
scope the page shows, in one query.

Invitations (answering's, to the members who know a question's tags): those *sent* in the period
(by when they were sent, whenever the question was asked) to questions of the scope's categories,
hidden questions included (they were sent all the same); *answered* when the invited member
replied (``Invitation.answered_post``); *accepted* when that member's answer became the accepted
one (answering.models.answer_accepted, the rule of the badge "Came to help"). One query more.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from answering.models import Invitation, answer_accepted
from staff.figures.display import percent, percent_text
from staff.figures.spreads import Spread, spreads


@dataclass
class Invitations:
    """Invitations to answer sent in the period, how many were answered, how many of those accepted."""

    sent: int = 0
    answered: int = 0
    accepted: int = 0

    @property
    def answered_share(self) -> int | None:
        """Of the invitations sent, the share answered."""
        return percent(self.answered, self.sent)

    @property
    def accepted_share(self) -> int | None:
        """Of the invitations answered, the share whose answer was accepted."""
        return percent(self.accepted, self.answered)

    @property
    def answered_share_text(self) -> str:
        return percent_text(self.answered_share)

    @property
    def accepted_share_text(self) -> str:
        return percent_text(self.accepted_share)


@dataclass
class WhoAnswers:
    """How long the first answer took, when a member gave it and when staff did; the invitations."""

    by_members: Spread = field(default_factory=Spread)
    by_staff: Spread = field(default_factory=Spread)
    invitations: Invitations = field(default_factory=Invitations)

    @property
    def spreads(self) -> list[tuple[str, Spread, str]]:
        """(label, spread, key) for each of the two times, in the order the page shows them."""
        return [
            (_("Time to first answer by a member"), self.by_members, "first-answer-members"),
            (_("Time to first answer by staff"), self.by_staff, "first-answer-staff"),
        ]


def who_answers(questions, *, categories=(), since: datetime | None = None) -> WhoAnswers:
    """The times to a first answer by members and by staff (questions annotated by `with_first_reply`),
    and the invitations sent since `since` to questions of `categories` (none without categories)."""
    found = spreads(questions, "first_reply_at", by="first_reply_by_staff")
    return WhoAnswers(
        by_members=found.get(False, Spread()),
        by_staff=found.get(True, Spread()),
        invitations=invitations_sent(categories, since=since) if categories else Invitations(),
    )


def invitations_sent(categories, *, since: datetime) -> Invitations:
    """The invitations sent since `since` to questions of `categories`, answered and accepted (one query)."""
    answered = Q(answered_post__isnull=False)
    counts = Invitation.objects.filter(thread__category__in=categories, sent_at__gte=since).aggregate(
        sent=Count("pk"),
        answered=Count("pk", filter=answered),
        accepted=Count("pk", filter=answered & answer_accepted()),
    )
    return Invitations(**counts)
