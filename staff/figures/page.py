"""The staff figures page: every figure of the period, for the whole forum or one question category
(the ideas' figures with the whole forum's only: no idea is in a question category)."""

from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone

from forum.models import Category, Thread, Visibility
from profiles.models import Member
from reputation.selectors import advocates
from staff.figures.aggregates import Figures, figures_by_category, with_first_reply
from staff.figures.answerers import WhoAnswers, who_answers
from staff.figures.charts import SeriesChart, series_chart
from staff.figures.ideas import IdeaFigures, idea_figures
from staff.figures.periods import DEFAULT_PERIOD, Period, period_from, period_of
from staff.figures.series import series
from staff.figures.targets import target_conditions
from staff.selectors import question_categories

ADVOCATES_SHOWN = 10


@dataclass
class CommunityFigures:
    period: Period
    categories: list[Category]
    category: Category | None
    forum: Figures
    by_category: list[Figures]
    advocates: list[Member]  # each with .points, as on the leaderboard
    chart: SeriesChart
    ideas: IdeaFigures | None  # None when the page shows one question category
    who_answers: WhoAnswers  # of the scope shown: the whole forum or the category

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
    questions = with_first_reply(
        Thread.objects.filter(category__in=categories, visibility=Visibility.VISIBLE, created_at__gte=period.start)
    ).order_by()
    targets = target_conditions(categories, now)
    by_category = figures_by_category(viewer, questions, categories, period, targets)
    scope = questions.filter(category=category) if category else questions
    return CommunityFigures(
        period=period,
        categories=categories,
        category=category,
        forum=by_category.pop(None),
        by_category=list(by_category.values()),
        advocates=list(advocates(viewer, since=period.start, category=category)[:ADVOCATES_SHOWN]),
        chart=series_chart(
            series(scope, period, targets),
            weekly=period.weekly,
            has_target=any(c.response_target_hours is not None for c in ([category] if category else categories)),
        ),
        ideas=None if category else idea_figures(viewer, period),
        who_answers=who_answers(scope, categories=[category] if category else categories, since=period.start),
    )
