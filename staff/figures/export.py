"""The figures page as CSV rows: one row per figure, with its value, its unit and what the page shows."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from staff.figures.aggregates import Figures
from staff.figures.answerers import Invitations
from staff.figures.display import hours, percent_text
from staff.figures.ideas import IdeaFigures
from staff.figures.page import CommunityFigures
from staff.figures.spreads import Spread


@dataclass(frozen=True)
class Row:
    scope: str
    figure: str
    value: int | float | str | None
    unit: str
    shown: str


def csv_header() -> list[str]:
    return [_("Category"), _("Figure"), _("Value"), _("Unit"), _("Shown as")]


def csv_rows(page: CommunityFigures) -> list[Row]:
    """The whole page as rows: the period, each scope's figures, who answers (with the invitations), the
    ideas', the advocates, the time series."""
    scope = page.selected.name
    rows = [
        Row(scope, _("First day"), page.period.first_day.isoformat(), _("date"), page.period.first_day.isoformat()),
        Row(scope, _("Last day"), page.period.last_day.isoformat(), _("date"), page.period.last_day.isoformat()),
    ]
    for figures in [page.selected] if page.category else [page.forum, *page.by_category]:
        rows += figure_rows(figures)
    for label, spread, _key in page.who_answers.spreads:
        rows += _spread_rows(scope, label, spread)
    rows += invitation_rows(scope, page.who_answers.invitations)
    if page.ideas is not None and page.ideas.has_categories:
        rows += idea_rows(scope, page.ideas)
    for rank, member in enumerate(page.advocates, start=1):
        label = _("Top advocate %(rank)d") % {"rank": rank}
        rows.append(Row(scope, label, member.points, _("points"), member.username))
    return rows + _series_rows(page, scope)


def figure_rows(figures: Figures) -> list[Row]:
    """One row per figure of one scope, as the page shows them."""
    scope, count = figures.name, _("questions")
    return [
        Row(scope, _("Questions asked"), figures.asked, count, str(figures.asked)),
        Row(scope, _("Unanswered questions"), figures.unanswered, count, str(figures.unanswered)),
        *(row for label, spread, _key in figures.spreads for row in _spread_rows(scope, label, spread)),
        Row(scope, _("Accepted answers by members"), figures.accepted_by_members, count, figures.members_share_text),
        Row(scope, _("Accepted answers by staff"), figures.accepted_by_staff, count, figures.staff_share_text),
        Row(scope, _("Answered first by members"), figures.first_by_members, count, figures.first_members_share_text),
        Row(scope, _("Answered first by staff"), figures.first_by_staff, count, figures.first_staff_share_text),
        Row(scope, _("Answered within target"), figures.target_share, "%", figures.target_share_text),
        Row(scope, _("Reports opened"), figures.reports_opened, _("reports"), str(figures.reports_opened)),
        Row(scope, _("Reports resolved"), figures.reports_resolved, _("reports"), str(figures.reports_resolved)),
    ]


def invitation_rows(scope: str, invitations: Invitations) -> list[Row]:
    """Invitations to answer sent in the period, answered (share of those sent), accepted (share of those answered)."""
    unit, accepted = _("invitations"), invitations.accepted
    return [
        Row(scope, _("Invitations to answer sent"), invitations.sent, unit, str(invitations.sent)),
        Row(scope, _("Invitations answered"), invitations.answered, unit, invitations.answered_share_text),
        Row(scope, _("Invitations whose answer was accepted"), accepted, unit, invitations.accepted_share_text),
    ]


def idea_rows(scope: str, ideas: IdeaFigures) -> list[Row]:
    """The ideas' figures as the page shows them: how many, each status, the time to a first status."""
    unit = _("ideas")
    rows = [Row(scope, _("Ideas proposed"), ideas.proposed, unit, str(ideas.proposed))]
    for _status, label, count in ideas.by_status:
        figure = _("Ideas with the status “%(status)s”") % {"status": label}
        rows.append(Row(scope, figure, count, unit, str(count)))
    return rows + _spread_rows(scope, _("Time to first status"), ideas.first_status)


def _spread_rows(scope: str, label: str, spread: Spread) -> list[Row]:
    return [
        Row(scope, _("%(what)s, median") % {"what": label}, hours(spread.median), _("hours"), spread.median_text),
        Row(scope, _("%(what)s, p90") % {"what": label}, hours(spread.p90), _("hours"), spread.p90_text),
    ]


def _series_rows(page: CommunityFigures, scope: str) -> list[Row]:
    """Each bucket of the chart: questions asked, the share within target when a category has a target,
    and the share answered first by members when any was answered."""
    rows = []
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
        if bucket.first_answered:
            label = _("Answered first by members, from %(day)s") % {"day": day}
            rows.append(Row(scope, label, bucket.members_share, "%", percent_text(bucket.members_share)))
    return rows
