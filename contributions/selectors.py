"""The rows' read side: a member's contributions as one viewer may see them.

Each function sums the rows of the categories the viewer may read, in one
small query: a few rows per category, whatever the number of posts.
"""

from datetime import date

from django.db.models import F, QuerySet, Sum

from contributions.models import CategoryTotals, DailyPosts, TagTotals
from forum import permissions

COUNTED = ("threads", "replies", "accepted", "endorsed", "votes")


def _readable(model, member, viewer) -> QuerySet:
    return model.objects.filter(member=member, category__access__in=permissions.readable_accesses(viewer))


def counts(member, viewer) -> dict[str, int]:
    """Threads started, replies, accepted answers, endorsements and votes received."""
    row = _readable(CategoryTotals, member, viewer).aggregate(**{name: Sum(name) for name in COUNTED})
    return {name: row[name] or 0 for name in COUNTED}


def posts_per_day(member, viewer, *, since: date) -> dict[date, int]:
    """Posts per day from `since` (a day in the site's time zone) on."""
    rows = _readable(DailyPosts, member, viewer).filter(day__gte=since).values("day").annotate(n=Sum("posts"))
    return {row["day"]: row["n"] for row in rows.order_by() if row["n"]}


def top_tags(member, viewer, *, limit: int) -> list[dict]:
    """The tags of the member's most helpful posts: accepted answers first, then score, then posts.

    Each is a dict with name, slug, accepted, score and posts.
    """
    rows = (
        _readable(TagTotals, member, viewer)
        .filter(posts__gt=0)
        .values(name=F("tag__name"), slug=F("tag__slug"))
        .annotate(accepted=Sum("accepted"), score=Sum("score"), posts=Sum("posts"))
        .order_by("-accepted", "-score", "-posts", "name")
    )
    return list(rows[:limit])
