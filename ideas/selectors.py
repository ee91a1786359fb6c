"""What the ideas' lists show (/ideas/, /roadmap/), fetched in one place so templates never query.

Each function takes the viewer (possibly anonymous) and returns only the ideas in categories
that viewer may read, in threads that are visible.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.paginator import Page
from django.db.models import (
    Case,
    Count,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from forum import selectors as forum_selectors
from forum.models import Category, Visibility
from ideas.models import Idea, IdeaVote, Status

VOTERS_SHOWN = 8
VOTERS_PER_PAGE = 50
SORTS = ("top", "trending", "newest", "updated")
TRENDING_DAYS = 30
# The roadmap's columns, and how far back "recently done" looks.
ROADMAP = (Status.PLANNED, Status.IN_PROGRESS, Status.DONE)
ROADMAP_DONE_DAYS = 90
ROADMAP_PER_COLUMN = 30


def idea_categories(viewer) -> list[Category]:
    """The ideas categories this viewer may read, in the site's order."""
    return list(forum_selectors.readable_categories(viewer).filter(kind=Category.Kind.IDEAS))


def readable_ideas(viewer, categories: list[Category] | None = None) -> QuerySet[Idea]:
    """Ideas in visible threads of the given readable ideas categories (all of them by default)."""
    categories = idea_categories(viewer) if categories is None else categories
    return Idea.objects.filter(thread__category__in=[c.pk for c in categories], thread__visibility=Visibility.VISIBLE)


def _for_rows(ideas: QuerySet[Idea]) -> QuerySet[Idea]:
    """What a row shows: the thread, its category, author and tags (one more query)."""
    tags = Prefetch("thread__tags", to_attr="tag_list")
    return ideas.select_related("thread__category", "thread__author").prefetch_related(tags)


@dataclass
class Filters:
    """The list's filters as the reader asked for them, each checked: anything unknown is left
    out, so a hand-made URL shows a wider list rather than an error."""

    status: str = ""
    category: Category | None = None
    tag: str = ""
    sort: str = "top"
    categories: list[Category] = field(default_factory=list)

    @classmethod
    def read(cls, viewer, query) -> "Filters":
        categories = idea_categories(viewer)
        status = query.get("status", "")
        slug = query.get("category", "")
        sort = query.get("sort", "top")
        return cls(
            status=status if status in Status.values else "",
            category=next((c for c in categories if c.slug == slug), None),
            tag=query.get("tag", "")[:100],
            sort=sort if sort in SORTS else "top",
            categories=categories,
        )

    @property
    def asked(self) -> bool:
        return bool(self.status or self.category or self.tag)


def idea_list(viewer, filters: Filters, page_number=1) -> Page:
    """A page of ideas, filtered and sorted as the reader asked."""
    ideas = readable_ideas(viewer, [filters.category] if filters.category else filters.categories)
    if filters.status:
        ideas = ideas.filter(status=filters.status)
    if filters.tag:
        ideas = ideas.filter(thread__tags__slug=filters.tag)
    ideas = _sorted(ideas, filters.sort)
    return forum_selectors.paginate(_for_rows(ideas), page_number, settings.THREADS_PER_PAGE)


def _sorted(ideas: QuerySet[Idea], sort: str) -> QuerySet[Idea]:
    if sort == "trending":
        # Votes of the last 30 days: counted in the index of votes by date, one subquery per row.
        since = timezone.now() - timedelta(days=TRENDING_DAYS)
        recent = (
            IdeaVote.objects.filter(idea=OuterRef("pk"), created_at__gte=since)
            .values("idea")
            .annotate(n=Count("pk"))
            .values("n")
        )
        ideas = ideas.annotate(recent_votes=Coalesce(Subquery(recent), Value(0)))
        return ideas.order_by("-recent_votes", "-votes", "-thread__created_at")
    if sort == "newest":
        return ideas.order_by("-thread__created_at", "-pk")
    if sort == "updated":
        return ideas.order_by("-thread__last_activity_at", "-pk")
    return ideas.order_by("-votes", "-thread__created_at", "-pk")


def latest_voters(idea_id: int, limit: int = VOTERS_SHOWN) -> QuerySet:
    """The members who voted for the idea most lately, shown on its page (votes are public)."""
    return voters_of(idea_id)[:limit]


def voters_of(idea_id: int) -> QuerySet:
    """Everyone who voted for the idea, latest first, as members (for the voters' page)."""
    return IdeaVote.objects.filter(idea_id=idea_id).select_related("member").order_by("-created_at", "-pk")


@dataclass
class Column:
    status: str
    label: str
    ideas: list[Idea]


def roadmap(viewer) -> list[Column]:
    """Planned and in progress ideas, most wanted first, and the ideas done lately, latest first,
    at most ROADMAP_PER_COLUMN each: one query (a rank within each status), and one for the tags."""
    since = timezone.now() - timedelta(days=ROADMAP_DONE_DAYS)
    ideas = readable_ideas(viewer).filter(status__in=ROADMAP).exclude(status=Status.DONE, status_changed_at__lt=since)
    # Done ideas rank by date (the others have no date here, so they rank by votes alone).
    latest_done = Case(When(status=Status.DONE, then=F("status_changed_at")))
    ranked = ideas.annotate(
        rank=Window(RowNumber(), partition_by=F("status"), order_by=[latest_done.desc(), F("votes").desc(), "-pk"])
    )
    rows = ranked.filter(rank__lte=ROADMAP_PER_COLUMN).select_related("thread__category", "thread__author")
    rows = list(rows.order_by("rank"))
    by_status = {status: [] for status in ROADMAP}
    for idea in rows:
        by_status[idea.status].append(idea)
    prefetch_related_objects([idea.thread for idea in rows], Prefetch("tags", to_attr="tag_list"))
    return [Column(status, Status(status).label, by_status[status]) for status in ROADMAP]
