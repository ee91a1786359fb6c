"""The time series: questions asked per day (per week for 90 days), and how many of them met their target."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, DateField
from django.db.models.functions import TruncDate, TruncWeek

from staff.figures.aggregates import first_reply_columns
from staff.figures.display import percent
from staff.figures.periods import Period
from staff.figures.targets import target_columns


@dataclass(frozen=True)
class Bucket:
    start: date
    end: date  # the last day it covers
    asked: int = 0
    target_counted: int = 0
    within_target: int = 0
    first_by_members: int = 0
    first_by_staff: int = 0

    @property
    def share(self) -> int | None:
        return percent(self.within_target, self.target_counted)

    @property
    def first_answered(self) -> int:
        return self.first_by_members + self.first_by_staff

    @property
    def members_share(self) -> int | None:
        """Of the questions asked in the bucket that have an answer, the share a member answered first."""
        return percent(self.first_by_members, self.first_answered)


def series(questions, period: Period, targets) -> list[Bucket]:
    """Questions asked per day (per week for 90 days), with the within-target counts of each and who
    answered them first, in one query (questions annotated by aggregates.with_first_reply)."""
    bucket = TruncWeek("created_at", output_field=DateField()) if period.weekly else TruncDate("created_at")
    columns = {"asked": Count("pk"), **first_reply_columns(), **target_columns(targets)}
    rows = {row["bucket"]: row for row in questions.annotate(bucket=bucket).values("bucket").annotate(**columns)}
    span = timedelta(days=6 if period.weekly else 0)
    buckets = []
    for start in _bucket_starts(period):
        row = rows.get(start, {})
        buckets.append(
            Bucket(
                start=max(start, period.first_day),
                end=min(start + span, period.last_day),
                asked=row.get("asked", 0),
                target_counted=row.get("target_counted", 0),
                within_target=row.get("within_target", 0),
                first_by_members=row.get("first_by_members", 0),
                first_by_staff=row.get("first_by_staff", 0),
            )
        )
    return buckets


def _bucket_starts(period: Period) -> list[date]:
    if not period.weekly:
        return [period.first_day + timedelta(days=i) for i in range(period.days)]
    monday = period.first_day - timedelta(days=period.first_day.weekday())
    starts = []
    while monday <= period.last_day:
        starts.append(monday)
        monday += timedelta(weeks=1)
    return starts
