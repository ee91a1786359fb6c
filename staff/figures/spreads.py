"""How long something took: the median and the p90 of a time, per category and for the whole forum.

The durations that exist (questions without the event are left out) are sorted in ascending
order; the median and the p90 are the values at 0-based offsets floor(N × 0.5) and
floor(N × 0.9). For N = 4 the median is the 3rd value (the upper median); for N = 1 both are
the only value.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Window
from django.db.models.functions import RowNumber

from staff.figures.display import human_duration

MEDIAN, P90 = (5, 10), (9, 10)  # floor(N × 5 / 10) and floor(N × 9 / 10), in integer arithmetic


@dataclass(frozen=True)
class Spread:
    """How long something took: how many questions it happened to, the median and the p90."""

    count: int = 0
    median: timedelta | None = None
    p90: timedelta | None = None

    @property
    def median_text(self) -> str:
        return human_duration(self.median)

    @property
    def p90_text(self) -> str:
        return human_duration(self.p90)


def _at_offsets(total):
    """The median's and the p90's 1-based positions among `total` sorted rows.

    `total` is a number or a database expression: both divide integers, rounding down
    (PostgreSQL and SQLite divide integer columns that way).
    """
    if isinstance(total, int):
        return [total * MEDIAN[0] // MEDIAN[1] + 1, total * P90[0] // P90[1] + 1]
    return [total * MEDIAN[0] / MEDIAN[1] + 1, total * P90[0] / P90[1] + 1]


def spreads(questions, moment: str, *, by: str = "category_id") -> dict:
    """Median and p90 of (moment − created_at) per category (or per value of another column, `by`)
    and for all the questions, in one query.

    ROW_NUMBER numbers the sorted durations twice, within each category and over all of
    them; only the rows at the offsets come back (a handful). The key is the category id
    (the value of `by`), or None for all of them: the whole forum.
    """
    order = [F("duration").asc(), F("pk").asc()]
    by_category = [F(by)]
    wanted = Q()
    for position, total in (("position", "total"), ("forum_position", "forum_total")):
        for offset in _at_offsets(F(total)):
            wanted |= Q(**{position: offset})
    ranked = (
        questions.filter(**{f"{moment}__isnull": False})
        .annotate(duration=ExpressionWrapper(F(moment) - F("created_at"), output_field=DurationField()))
        .annotate(
            position=Window(RowNumber(), partition_by=by_category, order_by=order),
            total=Window(Count("pk"), partition_by=by_category),
            forum_position=Window(RowNumber(), order_by=order),
            forum_total=Window(Count("pk")),
        )
        .filter(wanted)
        .values_list(by, "position", "total", "forum_position", "forum_total", "duration")
    )
    found = defaultdict(dict)
    for category_id, position, total, forum_position, forum_total, duration in ranked:
        for key, at, count in ((category_id, position, total), (None, forum_position, forum_total)):
            median, p90 = _at_offsets(count)
            found[key]["count"] = count
            if at == median:
                found[key]["median"] = duration
            if at == p90:
                found[key]["p90"] = duration
    return {key: Spread(**values) for key, values in found.items()}
