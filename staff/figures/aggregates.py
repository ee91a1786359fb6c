"""The figures of one scope (a category, or the whole forum): counts, times and reports, summed in the database."""

from dataclasses import dataclass, field

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Subquery
from django.utils.translation import gettext as _

from forum.models import Category
from forum.permissions import readable_accesses
from forum.selectors import answers, unanswered_q
from moderation.models import Report
from profiles import roles
from staff.figures.display import percent, percent_text
from staff.figures.periods import Period
from staff.figures.spreads import Spread, spreads
from staff.figures.targets import target_columns


@dataclass
class Figures:
    category: Category | None  # None: the whole forum
    asked: int = 0
    unanswered: int = 0
    accepted_by_members: int = 0
    accepted_by_staff: int = 0
    first_by_members: int = 0  # questions whose first reply came from a member
    first_by_staff: int = 0  # ... from brand staff
    target_counted: int = 0
    within_target: int = 0
    first_reply: Spread = field(default_factory=Spread)
    first_official: Spread = field(default_factory=Spread)
    accepted: Spread = field(default_factory=Spread)
    reports_opened: int = 0
    reports_resolved: int = 0

    @property
    def name(self) -> str:
        return self.category.local_name if self.category else _("Whole forum")

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
    def first_answered(self) -> int:
        return self.first_by_members + self.first_by_staff

    @property
    def first_members_share(self) -> int | None:
        return percent(self.first_by_members, self.first_answered)

    @property
    def first_staff_share(self) -> int | None:
        return percent(self.first_by_staff, self.first_answered)

    @property
    def first_members_share_text(self) -> str:
        return percent_text(self.first_members_share)

    @property
    def first_staff_share_text(self) -> str:
        return percent_text(self.first_staff_share)

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


def figures_by_category(viewer, questions, categories, period: Period, targets) -> dict[int | None, Figures]:
    """Figures per category id, and under None the whole forum's (questions annotated by `with_first_reply`)."""
    figures = {None: Figures(category=None), **{c.pk: Figures(category=c) for c in categories}}
    _add_counts(figures, questions, targets)
    _add_spreads(figures, questions)
    _add_reports(figures, _report_counts(viewer, period))
    return figures


def _replies_by_others():
    """The outer question's answers (forum.selectors.answers: visible replies by someone other
    than its author), oldest first."""
    return answers().order_by("created_at", "pk")


def with_first_reply(questions):
    """The questions with their first reply: when it came (`first_reply_at`) and whether brand staff
    wrote it (`first_reply_by_staff`, by the author's roles now: profiles.roles.brand_staff_q);
    both None while no one but the asker has replied."""
    first = _replies_by_others()
    by_staff = ExpressionWrapper(roles.brand_staff_q("author__"), output_field=BooleanField())
    return questions.annotate(
        first_reply_at=Subquery(first.values("created_at")[:1]),
        first_reply_by_staff=Subquery(first.annotate(by_staff=by_staff).values("by_staff")[:1]),
    )


def first_reply_columns() -> dict:
    """Who wrote the first reply, as counts over questions annotated by `with_first_reply`."""
    return {
        "first_by_members": Count("pk", filter=Q(first_reply_by_staff=False)),
        "first_by_staff": Count("pk", filter=Q(first_reply_by_staff=True)),
    }


def _count_columns(targets) -> dict:
    return {
        "asked": Count("pk"),
        "unanswered": Count("pk", filter=unanswered_q()),
        "accepted_by_members": Count("pk", filter=Q(accepted_answer__is_official=False)),
        "accepted_by_staff": Count("pk", filter=Q(accepted_answer__is_official=True)),
        **first_reply_columns(),
        **target_columns(targets),
    }


def _add_counts(figures, questions, targets):
    """The counts are additive: the whole forum's are the sum of the categories'."""
    columns = _count_columns(targets)
    for row in questions.values("category_id").annotate(**columns):
        for name in columns:
            setattr(figures[row["category_id"]], name, row[name])
    for name in columns:
        setattr(figures[None], name, sum(getattr(f, name) for key, f in figures.items() if key is not None))


def _add_spreads(figures, questions):
    """The three times, per category and for the whole forum (questions annotated by `with_first_reply`)."""
    for attribute, moment in (
        ("first_reply", "first_reply_at"),
        ("first_official", "first_official_at"),
        ("accepted", "accepted_at"),
    ):
        for key, spread in spreads(questions, moment).items():
            setattr(figures[key], attribute, spread)


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


def _add_reports(figures, reports):
    """Reports per question category; the whole forum counts every report, on members and discussions too."""
    for category_id, (opened, resolved) in reports.items():
        if category_id in figures and category_id is not None:
            figures[category_id].reports_opened, figures[category_id].reports_resolved = opened, resolved
    figures[None].reports_opened = sum(opened for opened, _ in reports.values())
    figures[None].reports_resolved = sum(resolved for _, resolved in reports.values())
