"""Community-health figures for the staff workspace, aggregated in the database and laid out for inline SVG.

What is counted, over the period (the last N days, today included, in the site's time zone: from
local midnight N−1 days ago until now):

- a *question*: a visible thread in a question category the viewer may read, created in the period;
- *first reply*: the earliest visible reply by someone other than the asker;
  an *unanswered* question has none yet;
- *first official response*: ``Thread.first_official_at``, the first reply by brand staff;
- *accepted answer*: ``Thread.accepted_at``; accepted answers are *by staff* when the accepted
  post is official (``Post.is_official``), *by members* otherwise;
- *median* and *p90* of a time: the durations that exist (questions without the event are
  left out) sorted in ascending order, then the value at 0-based offset floor(N × 0.5) and
  floor(N × 0.9). For N = 4 the median is the 3rd value (the upper median); for N = 1 both
  are the only value;
- *answered within target*: among questions in categories with a response target, the share
  that got an official response or an accepted answer within the target. A question still
  inside its target with neither is not counted yet, nor is one set aside as needing no
  response that got neither in time;
- *reports opened*: reports filed in the period; *reports resolved*: reports closed (resolved
  or dismissed) in the period. Per category, reports on that category's posts and threads;
  for the whole forum, every report, reports on members included;
- *top advocates*: members who are not staff, by the sum of their reputation ledger in the
  period (gains minus reversals), the ten highest above zero.

Every figure is a COUNT, SUM or window function in the database: the page costs the same
dozen queries whatever the size of the forum, and nothing loops over threads in Python.
"""

import math
import operator
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from functools import reduce

from django.db.models import (
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import RowNumber, TruncDate, TruncWeek
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from forum.models import Category, Post, Thread, Visibility
from forum.permissions import readable_accesses
from moderation.models import Report
from profiles.charts import Tick, nice_step
from profiles.leaderboard import STAFF
from profiles.models import Member
from staff.selectors import question_categories

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
ADVOCATES_SHOWN = 10
MEDIAN, P90 = (5, 10), (9, 10)  # floor(N × 5 / 10) and floor(N × 9 / 10), in integer arithmetic


# The period ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    days: int
    first_day: date
    last_day: date
    start: datetime  # local midnight of first_day, aware

    @property
    def weekly(self) -> bool:
        """90 days are drawn one bar a week; shorter periods one bar a day."""
        return self.days > 31


def period_from(value) -> int:
    """The period asked for (7, 30 or 90 days), or the default one when missing or unknown."""
    try:
        days = int(value)
    except (TypeError, ValueError):
        return DEFAULT_PERIOD
    return days if days in PERIODS else DEFAULT_PERIOD


def period_of(days: int, *, now: datetime) -> Period:
    last_day = timezone.localdate(now)
    first_day = last_day - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first_day, clock.min))
    return Period(days=days, first_day=first_day, last_day=last_day, start=start)


# Durations and shares, as people read them ------------------------------------------------------


def human_duration(value: timedelta | None) -> str:
    """'45 min', '3 h 20 min', '1 day 4 h', '12 days' — rounded to the minute; '—' when there is none."""
    if value is None:
        return "—"
    minutes = round(value.total_seconds() / 60)
    if minutes < 1:
        return _("under a minute")
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        if minutes:
            return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
        return _("%(hours)d h") % {"hours": hours}
    days, hours = divmod(hours + (1 if minutes >= 30 else 0), 24)
    day_text = ngettext("%(days)d day", "%(days)d days", days) % {"days": days}
    if hours and days < 7:
        return _("%(days)s %(hours)d h") % {"days": day_text, "hours": hours}
    return day_text


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def percent_text(value: int | None) -> str:
    return "—" if value is None else _("%(percent)d %%") % {"percent": value}


def hours(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 3600, 2)


# Figures for one scope (a category, or the whole forum) ------------------------------------------


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


@dataclass
class Figures:
    category: Category | None  # None: the whole forum
    asked: int = 0
    unanswered: int = 0
    accepted_by_members: int = 0
    accepted_by_staff: int = 0
    target_counted: int = 0
    within_target: int = 0
    first_reply: Spread = Spread()
    first_official: Spread = Spread()
    accepted: Spread = Spread()
    reports_opened: int = 0
    reports_resolved: int = 0

    @property
    def name(self) -> str:
        return self.category.name if self.category else _("Whole forum")

    @property
    def spreads(self) -> list[tuple[str, Spread, str]]:
        """(label, spread, key) for each of the three times, in the order the page shows them."""
        return [
            (_("Time to first reply"), self.first_reply, "first-reply"),
            (_("Time to first official response"), self.first_official, "first-official"),
            (_("Time to accepted answer"), self.accepted, "accepted"),
        ]

    @property
    def accepted_total(self) -> int:
        return self.accepted_by_members + self.accepted_by_staff

    @property
    def members_share(self) -> int | None:
        return percent(self.accepted_by_members, self.accepted_total)

    @property
    def staff_share(self) -> int | None:
        return percent(self.accepted_by_staff, self.accepted_total)

    @property
    def target_share(self) -> int | None:
        return percent(self.within_target, self.target_counted)

    @property
    def members_share_text(self) -> str:
        return percent_text(self.members_share)

    @property
    def staff_share_text(self) -> str:
        return percent_text(self.staff_share)

    @property
    def target_share_text(self) -> str:
        return percent_text(self.target_share)


def _replies_by_others():
    """Visible replies to the outer thread by someone other than its author, oldest first."""
    return (
        Post.objects.filter(thread=OuterRef("pk"), is_opening=False, visibility=Visibility.VISIBLE)
        .exclude(author=OuterRef("author"))
        .order_by("created_at", "pk")
    )


def _targets(categories: list[Category], now: datetime) -> tuple[Q, Q] | None:
    """(counted, within): conditions on a question for the answered-within-target share; None without targets.

    One term per distinct target (a handful), so the comparison stays a plain datetime + interval.
    """
    by_target = defaultdict(list)
    for category in categories:
        if category.response_target_hours is not None:
            by_target[category.response_target_hours].append(category.pk)
    if not by_target:
        return None
    within_terms, counted_terms = [], []
    for target_hours, ids in by_target.items():
        target = timedelta(hours=target_hours)
        answered = Q(first_official_at__lte=F("created_at") + target) | Q(accepted_at__lte=F("created_at") + target)
        within = Q(category_id__in=ids) & answered
        within_terms.append(within)
        counted_terms.append(within | Q(category_id__in=ids, no_response_needed="", created_at__lte=now - target))
    return reduce(operator.or_, counted_terms), reduce(operator.or_, within_terms)


def _target_columns(targets) -> dict:
    if targets is None:
        return {}
    counted, within = targets
    return {"target_counted": Count("pk", filter=counted), "within_target": Count("pk", filter=within)}


def _count_columns(targets) -> dict:
    return {
        "asked": Count("pk"),
        "unanswered": Count("pk", filter=~Exists(_replies_by_others())),
        "accepted_by_members": Count("pk", filter=Q(accepted_answer__is_official=False)),
        "accepted_by_staff": Count("pk", filter=Q(accepted_answer__is_official=True)),
        **_target_columns(targets),
    }


def _at_offsets(total):
    """The median's and the p90's 1-based positions among `total` sorted rows.

    `total` is a number or a database expression: both divide integers, rounding down
    (PostgreSQL and SQLite divide integer columns that way).
    """
    if isinstance(total, int):
        return [total * MEDIAN[0] // MEDIAN[1] + 1, total * P90[0] // P90[1] + 1]
    return [total * MEDIAN[0] / MEDIAN[1] + 1, total * P90[0] / P90[1] + 1]


def _spreads(questions, moment: str) -> dict[int | None, Spread]:
    """Median and p90 of (moment − created_at) per category and for the whole forum, in one query.

    ROW_NUMBER numbers the sorted durations twice, within each category and over all of
    them; only the rows at the offsets come back (a handful). The key is the category id,
    or None for the whole forum.
    """
    order = [F("duration").asc(), F("pk").asc()]
    by_category = [F("category_id")]
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
        .values_list("category_id", "position", "total", "forum_position", "forum_total", "duration")
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


def _report_counts(viewer, period: Period) -> dict[int | None, tuple[int, int]]:
    """(opened, resolved) per category of the reported thread; None for reports on members."""
    closed = Q(resolved_at__gte=period.start) & ~Q(status=Report.Status.OPEN)
    rows = (
        Report.objects.filter(Q(created_at__gte=period.start) | closed)
        .filter(Q(thread__isnull=True) | Q(thread__category__access__in=readable_accesses(viewer)))
        .values("thread__category")
        .annotate(opened=Count("pk", filter=Q(created_at__gte=period.start)), resolved=Count("pk", filter=closed))
        .order_by()
    )
    return {row["thread__category"]: (row["opened"], row["resolved"]) for row in rows}


def _advocates(viewer, period: Period, category: Category | None) -> list[Member]:
    """Non-staff members by ledger sum in the period (each with .gain), in one query."""
    entries = Q(reputation_entries__created_at__gte=period.start)
    if category is not None:
        entries &= Q(reputation_entries__category=category)
    else:
        entries &= Q(reputation_entries__category__isnull=True) | Q(
            reputation_entries__category__access__in=readable_accesses(viewer)
        )
    members = (
        Member.objects.filter(is_active=True)
        .exclude(STAFF)
        .filter(entries)
        .annotate(gain=Sum("reputation_entries__amount"))
        .filter(gain__gt=0)
        .order_by("-gain", "username")
    )
    return list(members[:ADVOCATES_SHOWN])


# The time series ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    start: date
    end: date  # the last day it covers
    asked: int = 0
    target_counted: int = 0
    within_target: int = 0

    @property
    def share(self) -> int | None:
        return percent(self.within_target, self.target_counted)


def _bucket_starts(period: Period) -> list[date]:
    if not period.weekly:
        return [period.first_day + timedelta(days=i) for i in range(period.days)]
    monday = period.first_day - timedelta(days=period.first_day.weekday())
    starts = []
    while monday <= period.last_day:
        starts.append(monday)
        monday += timedelta(weeks=1)
    return starts


def _series(questions, period: Period, targets) -> list[Bucket]:
    """Questions asked per day (per week for 90 days), and the within-target counts of each, in one query."""
    bucket = TruncWeek("created_at", output_field=DateField()) if period.weekly else TruncDate("created_at")
    columns = {"asked": Count("pk"), **_target_columns(targets)}
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
            )
        )
    return buckets


CHART_WIDTH = 560
CHART_HEIGHT = 220
PLOT_LEFT = 52
PLOT_RIGHT = 10
PLOT_TOP = 12
PLOT_BOTTOM = 32
X_LABELS = 7


@dataclass(frozen=True)
class Bar:
    bucket: Bucket
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Dot:
    bucket: Bucket
    x: float
    y: float


@dataclass
class SeriesChart:
    """Two charts over the same buckets: questions asked (bars), and the within-target share (a line)."""

    weekly: bool
    buckets: list[Bucket]
    bars: list[Bar]
    bar_ticks: list[Tick]
    dots: list[Dot]
    line: str
    share_ticks: list[Tick]
    x_labels: list[Tick]
    has_target: bool
    total: int
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    plot_left: int = PLOT_LEFT
    plot_right: int = CHART_WIDTH - PLOT_RIGHT
    plot_top: int = PLOT_TOP
    plot_bottom: int = CHART_HEIGHT - PLOT_BOTTOM


def series_chart(buckets: list[Bucket], *, weekly: bool, has_target: bool) -> SeriesChart:
    left, right = PLOT_LEFT, CHART_WIDTH - PLOT_RIGHT
    upper, lower = PLOT_TOP, CHART_HEIGHT - PLOT_BOTTOM
    slot = (right - left) / max(len(buckets), 1)
    bar_width = round(max(2.0, slot * 0.7), 1)
    highest = max((b.asked for b in buckets), default=0)
    step = nice_step(highest)
    top = step * max(1, math.ceil(highest / step))

    def centre(i):
        return round(left + slot * (i + 0.5), 1)

    def y_of(value, scale):
        return round(lower - (lower - upper) * value / scale, 1)

    bars = [
        Bar(b, round(centre(i) - bar_width / 2, 1), y_of(b.asked, top), bar_width, round(lower - y_of(b.asked, top), 1))
        for i, b in enumerate(buckets)
    ]
    dots = [Dot(b, centre(i), y_of(b.share, 100)) for i, b in enumerate(buckets) if b.share is not None]
    line = " ".join(f"{'L' if n else 'M'}{dot.x} {dot.y}" for n, dot in enumerate(dots))
    every = max(1, math.ceil(len(buckets) / X_LABELS))
    return SeriesChart(
        weekly=weekly,
        buckets=buckets,
        bars=bars,
        bar_ticks=[Tick(y_of(value, top), value) for value in range(0, top + 1, step)],
        dots=dots,
        line=line,
        share_ticks=[Tick(y_of(value, 100), value) for value in range(0, 101, 25)],
        x_labels=[Tick(centre(i), b.start) for i, b in enumerate(buckets) if i % every == 0],
        has_target=has_target,
        total=sum(b.asked for b in buckets),
    )


# The page -------------------------------------------------------------------------------------


@dataclass
class CommunityFigures:
    period: Period
    categories: list[Category]
    category: Category | None
    forum: Figures
    by_category: list[Figures]
    advocates: list[Member]
    chart: SeriesChart

    @property
    def selected(self) -> Figures:
        if self.category is None:
            return self.forum
        return next(f for f in self.by_category if f.category == self.category)


def community_figures(viewer, *, days: int = DEFAULT_PERIOD, category_slug: str = "", now=None) -> CommunityFigures:
    """Every figure of the staff figures page; 404 for a category that is not a question category the viewer reads."""
    now = now or timezone.now()
    period = period_of(period_from(days), now=now)
    categories = list(question_categories(viewer))
    category = None
    if category_slug:
        category = next((c for c in categories if c.slug == category_slug), None)
        if category is None:
            raise Http404
    questions = Thread.objects.filter(
        category__in=categories, visibility=Visibility.VISIBLE, created_at__gte=period.start
    ).order_by()
    targets = _targets(categories, now)
    by_category = _figures_by_category(viewer, questions, categories, period, targets)
    scope = questions.filter(category=category) if category else questions
    return CommunityFigures(
        period=period,
        categories=categories,
        category=category,
        forum=by_category.pop(None),
        by_category=list(by_category.values()),
        advocates=_advocates(viewer, period, category),
        chart=series_chart(
            _series(scope, period, targets),
            weekly=period.weekly,
            has_target=any(c.response_target_hours is not None for c in ([category] if category else categories)),
        ),
    )


def _figures_by_category(viewer, questions, categories, period, targets) -> dict[int | None, Figures]:
    """Figures per category id, and under None the whole forum's."""
    figures = {None: Figures(category=None), **{c.pk: Figures(category=c) for c in categories}}
    _add_counts(figures, questions, targets)
    _add_spreads(figures, questions)
    _add_reports(figures, _report_counts(viewer, period))
    return figures


def _add_counts(figures, questions, targets):
    """The counts are additive: the whole forum's are the sum of the categories'."""
    columns = _count_columns(targets)
    for row in questions.values("category_id").annotate(**columns):
        for name in columns:
            setattr(figures[row["category_id"]], name, row[name])
    for name in columns:
        setattr(figures[None], name, sum(getattr(f, name) for key, f in figures.items() if key is not None))


def _add_spreads(figures, questions):
    questions = questions.annotate(first_reply_at=Subquery(_replies_by_others().values("created_at")[:1]))
    for attribute, moment in (
        ("first_reply", "first_reply_at"),
        ("first_official", "first_official_at"),
        ("accepted", "accepted_at"),
    ):
        for key, spread in _spreads(questions, moment).items():
            setattr(figures[key], attribute, spread)


def _add_reports(figures, reports):
    """Reports per question category; the whole forum counts every report, on members and discussions too."""
    for category_id, (opened, resolved) in reports.items():
        if category_id in figures and category_id is not None:
            figures[category_id].reports_opened, figures[category_id].reports_resolved = opened, resolved
    figures[None].reports_opened = sum(opened for opened, _ in reports.values())
    figures[None].reports_resolved = sum(resolved for _, resolved in reports.values())


# The CSV --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    scope: str
    figure: str
    value: int | float | str | None
    unit: str
    shown: str


def _spread_rows(scope: str, label: str, spread: Spread) -> list[Row]:
    return [
        Row(scope, _("%(what)s, median") % {"what": label}, hours(spread.median), _("hours"), spread.median_text),
        Row(scope, _("%(what)s, p90") % {"what": label}, hours(spread.p90), _("hours"), spread.p90_text),
    ]


def figure_rows(figures: Figures) -> list[Row]:
    """One row per figure of one scope, as the page shows them."""
    scope, count = figures.name, _("questions")
    return [
        Row(scope, _("Questions asked"), figures.asked, count, str(figures.asked)),
        Row(scope, _("Unanswered questions"), figures.unanswered, count, str(figures.unanswered)),
        *(row for label, spread, _key in figures.spreads for row in _spread_rows(scope, label, spread)),
        Row(scope, _("Accepted answers by members"), figures.accepted_by_members, count, figures.members_share_text),
        Row(scope, _("Accepted answers by staff"), figures.accepted_by_staff, count, figures.staff_share_text),
        Row(scope, _("Answered within target"), figures.target_share, "%", figures.target_share_text),
        Row(scope, _("Reports opened"), figures.reports_opened, _("reports"), str(figures.reports_opened)),
        Row(scope, _("Reports resolved"), figures.reports_resolved, _("reports"), str(figures.reports_resolved)),
    ]


def csv_header() -> list[str]:
    return [_("Category"), _("Figure"), _("Value"), _("Unit"), _("Shown as")]


def csv_rows(page: CommunityFigures) -> list[Row]:
    """The whole page as rows: the period, each scope's figures, the advocates, the time series."""
    scope = page.selected.name
    rows = [
        Row(scope, _("First day"), page.period.first_day.isoformat(), _("date"), page.period.first_day.isoformat()),
        Row(scope, _("Last day"), page.period.last_day.isoformat(), _("date"), page.period.last_day.isoformat()),
    ]
    for figures in [page.selected] if page.category else [page.forum, *page.by_category]:
        rows += figure_rows(figures)
    for rank, member in enumerate(page.advocates, start=1):
        rows.append(Row(scope, _("Top advocate %(rank)d") % {"rank": rank}, member.gain, _("points"), member.username))
    for bucket in page.chart.buckets:
        day = bucket.start.isoformat()
        if page.chart.weekly:
            label = _("Questions asked in the week from %(day)s") % {"day": day}
        else:
            label = _("Questions asked on %(day)s") % {"day": day}
        rows.append(Row(scope, label, bucket.asked, _("questions"), str(bucket.asked)))
        if page.chart.has_target:
            label = _("Answered within target, from %(day)s") % {"day": day}
            rows.append(Row(scope, label, bucket.share, "%", percent_text(bucket.share)))
    return rows
