"""The ideas' figures: how many ideas of the period are in each status, and how long brand staff
took to give an idea its first status.

An idea is counted like a question (see the package's docstring): a visible thread in an ideas
category the viewer may read, created in the period. Its status is its current one; the first
status change is the oldest StatusChange row of the idea, whatever it set.
"""

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from forum.models import Category, Thread, Visibility
from forum.selectors import readable_categories
from ideas.models import Status, StatusChange
from staff.figures.periods import Period
from staff.figures.spreads import Spread, spreads


@dataclass
class IdeaFigures:
    has_categories: bool = False  # whether the viewer reads any ideas category
    by_status: list[tuple[str, str, int]] = field(default_factory=list)  # (status, label, ideas), every status
    first_status: Spread = field(default_factory=Spread)

    @property
    def proposed(self) -> int:
        return sum(count for _status, _label, count in self.by_status)


def idea_figures(viewer, period: Period) -> IdeaFigures:
    """The ideas' figures of the period, in three queries whatever the number of ideas."""
    category_ids = list(readable_categories(viewer).filter(kind=Category.Kind.IDEAS).values_list("pk", flat=True))
    if not category_ids:
        return IdeaFigures(by_status=_every_status({}))
    ideas = Thread.objects.filter(
        category_id__in=category_ids, visibility=Visibility.VISIBLE, created_at__gte=period.start
    ).order_by()
    return IdeaFigures(
        has_categories=True,
        by_status=_every_status(_status_counts(ideas)),
        first_status=_first_status_spread(ideas),
    )


def _status_counts(ideas) -> dict[str, int]:
    # A thread whose Idea row is not made yet is a new idea (ideas.services.idea_for makes it).
    rows = ideas.values(current=Coalesce("idea__status", Value(Status.NEW))).annotate(count=Count("pk"))
    return {row["current"]: row["count"] for row in rows}


def _every_status(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """A row for each status in the order ideas move through them, 0 where none is."""
    return [(status.value, status.label, counts.get(status.value, 0)) for status in Status]


def _first_status_spread(ideas) -> Spread:
    first = StatusChange.objects.filter(idea_id=OuterRef("pk")).order_by("created_at", "pk").values("created_at")[:1]
    return spreads(ideas.annotate(first_status_at=Subquery(first)), "first_status_at").get(None, Spread())
