"""Which questions wait for an answer, and which round of invitations each is due for.

A question in a questions category invites its first answerers once it has waited its
category's first delay (`invite_after_minutes`) with no reply from anyone but the asker, and
more of them after the second delay (`widen_after_minutes`). Once it has waited its response
target (or ANSWERING_STOP_AFTER_HOURS in a category without one), the staff queue has taken
over and nobody more is invited. Each round runs once per question (InvitationRound).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet

from answering import conf
from answering.models import InvitationRound, Round
from answering.selectors import waiting_questions
from forum.models import Category, Thread

BATCH = 200  # questions one run handles at most per round; the next run takes the rest


def open_questions() -> QuerySet[Thread]:
    """Questions that invitations may still help: waiting for a first answer
    (answering.selectors.waiting_questions), with no official response, not set aside by staff,
    and not past their response target's alert (the staff queue has them then)."""
    return waiting_questions().filter(
        has_official_response=False,
        no_response_needed="",
        target_breach_notified_at__isnull=True,
    )


@dataclass(frozen=True)
class Window:
    """The ages (in minutes) between which a question is due for a round: [start, end)."""

    start: int
    end: int

    def q(self, category: Category, now: datetime) -> Q:
        if self.end <= self.start:
            return Q(pk__in=[])
        return Q(
            category=category,
            created_at__lte=now - timedelta(minutes=self.start),
            created_at__gt=now - timedelta(minutes=self.end),
        )


def windows(category: Category) -> dict[int, Window]:
    """When each round is due for the category's questions. The first round is due until the
    second is: a question found late (the command was stopped) has only the wider round."""
    stop = (category.response_target_hours or conf.stop_after_hours()) * 60
    widen = min(category.widen_after_minutes, stop)
    return {
        Round.FIRST: Window(category.invite_after_minutes, widen),
        Round.WIDER: Window(category.widen_after_minutes, stop),
    }


def due(now: datetime) -> list[tuple[Thread, int]]:
    """The questions due for a round at `now`, oldest first, with the round: one query per round,
    reading only the questions asked within the categories' windows (the created_at index)."""
    categories = list(Category.objects.filter(kind=Category.Kind.QUESTIONS))
    found = []
    for number in (Round.WIDER, Round.FIRST):
        within = Q(pk__in=[])
        for category in categories:
            within |= windows(category)[number].q(category, now)
        ran = InvitationRound.objects.filter(thread=OuterRef("pk"), round=number)
        threads = open_questions().filter(within).exclude(Exists(ran)).order_by("created_at", "pk")
        found += [(thread, int(number)) for thread in threads.only("pk")[:BATCH]]
    return found
