"""Who answers: whether each question's first answer came from a member or from brand staff, and
how long it took each of them.

The first answer is the question's first reply (aggregates.with_first_reply: the earliest visible
reply by someone other than the asker); it is *by staff* when its author is brand staff now
(profiles.roles.brand_staff_q: brand staff and admins), *by members* otherwise, moderators
included. How many questions each answered first is counted with the other counts, per category
(aggregates.Figures.first_by_members and first_by_staff); this module adds the times, for the
scope the page shows, in one query.

Invitations sent vs answered (answering's invitations) are to sit beside these figures: they
are not counted here yet.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from staff.figures.spreads import Spread, spreads


@dataclass
class WhoAnswers:
    """How long the first answer took, when a member gave it and when staff did."""

    by_members: Spread = field(default_factory=Spread)
    by_staff: Spread = field(default_factory=Spread)

    @property
    def spreads(self) -> list[tuple[str, Spread, str]]:
        """(label, spread, key) for each of the two times, in the order the page shows them."""
        return [
            (_("Time to first answer by a member"), self.by_members, "first-answer-members"),
            (_("Time to first answer by staff"), self.by_staff, "first-answer-staff"),
        ]


def who_answers(questions) -> WhoAnswers:
    """The times to a first answer by members and by staff (questions annotated by `with_first_reply`)."""
    found = spreads(questions, "first_reply_at", by="first_reply_by_staff")
    return WhoAnswers(by_members=found.get(False, Spread()), by_staff=found.get(True, Spread()))
