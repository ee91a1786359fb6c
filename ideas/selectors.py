"""What the ideas' lists show (/ideas/, /roadmap/), fetched in one place so templates never query.

Each function takes the viewer (possibly anonymous) and returns only the ideas in categories
that viewer may read, in threads that are visible.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.paginator import Page, Paginator
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
from ideas.models import TRENDING_DAYS, Idea, IdeaVote, Status

VOTERS_SHOWN = 8
VOTERS_PER_PAGE = 50
SORTS = ("top", "trending", "newest", "updated")
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
    def read(cls, viewer, query, *, category: Category | None = None) -> "Filters":
        """The filters in the query; `category` is the category's own page (its filter fixed)."""
        categories = [category] if category is not None else idea_categories(viewer)
        status = query.get("status", "")
        slug = category.slug if category is not None else query.get("category", "")
        sort = query.get("sort", "top")
        return cls(
            status=status if status in Status.values else "",
            category=next((c for c in categories if c.slug == slug), None),
            tag=query.get("tag", "")[:100],
            sort=sort if sort in SORTS else "top",
            categories=categories,
        )


def idea_list(viewer, filters: Filters, page_number=1) -> Page:
    """A page of ideas, filtered and sorted as the reader asked. The page's ideas are chosen by a
    sort of narrow rows (their keys), then read whole: ten thousand ideas sort in milliseconds."""
    ideas = readable_ideas(viewer, [filters.category] if filters.category else filters.categories)
    if filters.status:
        ideas = ideas.filter(status=filters.status)
    if filters.tag:
        ideas = ideas.filter(thread__tags__slug=filters.tag)
    per_page = settings.THREADS_PER_PAGE
    page = Paginator(ideas.order_by("pk"), per_page).get_page(page_number)  # the count; rows below
    offset = (page.number - 1) * per_page
    if filters.sort == "trending":
        rows = _trending(ideas, offset, per_page)
    else:
        order = ORDERS[filters.sort]
        keys = ideas.order_by(*order).values("pk")[offset : offset + per_page]
        rows = list(_with_thread(Idea.objects.filter(pk__in=keys)).order_by(*order))
    prefetch_related_objects([idea.thread for idea in rows], Prefetch("tags", to_attr="tag_list"))
    page.object_list = rows
    return page


ORDERS = {
    "top": ("-votes", "-thread__created_at", "-pk"),
    "newest": ("-thread__created_at", "-pk"),
    "updated": ("-thread__last_activity_at", "-pk"),
}
TRENDING_BATCH = 100


def _with_thread(ideas: QuerySet[Idea]) -> QuerySet[Idea]:
    return ideas.select_related("thread__category", "thread__author")


def _trending(ideas: QuerySet[Idea], offset: int, limit: int) -> list[Idea]:
    """A page of ideas ranked by their votes of the last TRENDING_DAYS (`votes_this_month`),
    then by all their votes.

    Counting every idea's recent votes costs a count per idea. Each idea keeps a bound instead
    (Idea.recent_votes, never below the true count: see the model), so the ideas are read in
    the order of their bounds and counted exactly a batch at a time, until the page's last
    place is surely taken: its count beats every bound not read yet. Ideas with no vote this
    month follow, by their votes."""
    since = timezone.now() - timedelta(days=TRENDING_DAYS)
    need = offset + limit
    bound = Case(When(recent_counted_at__gte=since, then=F("recent_votes")), default=Value(0))
    by_bound = ideas.annotate(bound=bound).filter(bound__gt=0).order_by("-bound", "-pk").values("pk")
    recent = IdeaVote.objects.filter(idea=OuterRef("pk"), created_at__gte=since).order_by()
    this_month = Coalesce(Subquery(recent.values("idea").annotate(n=Count("pk")).values("n")), Value(0))
    counted, start, batch = [], 0, max(TRENDING_BATCH, 2 * need)
    while True:
        chunk = _with_thread(Idea.objects.filter(pk__in=by_bound[start : start + batch]))
        chunk = list(chunk.annotate(bound=bound, votes_this_month=this_month))
        counted += [idea for idea in chunk if idea.votes_this_month]
        places = sorted((idea.votes_this_month for idea in counted), reverse=True)
        complete = len(chunk) < batch  # every idea with a vote this month is counted
        if complete or (len(places) >= need and places[need - 1] > min(idea.bound for idea in chunk)):
            break
        start += batch
    counted.sort(key=lambda idea: (-idea.votes_this_month, -idea.votes, -idea.pk))
    rows = counted[offset:need]
    if complete and len(rows) < limit:
        quiet = ideas.exclude(pk__in=_voted_since(since))
        skip = max(0, offset - len(counted))
        quiet = _with_thread(quiet.order_by("-votes", "-pk"))[skip : skip + limit - len(rows)]
        rows += [_quiet(idea) for idea in quiet]
    return rows


def _voted_since(since) -> QuerySet:
    return IdeaVote.objects.filter(created_at__gte=since).values("idea")


def _quiet(idea: Idea) -> Idea:
    idea.votes_this_month = 0
    return idea


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
    at most ROADMAP_PER_COLUMN each: one query (chosen by a rank within each status, over their
    keys only), and one for the tags."""
    since = timezone.now() - timedelta(days=ROADMAP_DONE_DAYS)
    ideas = readable_ideas(viewer).filter(status__in=ROADMAP).exclude(status=Status.DONE, status_changed_at__lt=since)
    # Done ideas rank by date (the others have no date here, so they rank by votes alone).
    latest_done = Case(When(status=Status.DONE, then=F("status_changed_at")))
    order = [latest_done.desc(), F("votes").desc(), F("pk").desc()]
    ranked = ideas.annotate(rank=Window(RowNumber(), partition_by=F("status"), order_by=order))
    rows = _with_thread(Idea.objects.filter(pk__in=ranked.filter(rank__lte=ROADMAP_PER_COLUMN).values("pk")))
    rows = list(rows.order_by(*order))
    prefetch_related_objects([idea.thread for idea in rows], Prefetch("tags", to_attr="tag_list"))
    by_status = {status: [] for status in ROADMAP}
    for idea in rows:
        by_status[idea.status].append(idea)
    return [Column(status, Status(status).label, by_status[status]) for status in ROADMAP]
