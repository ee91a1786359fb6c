"""The truth the rows must agree with: the scanning queries the profile ran before the rows existed.

`assert_rows_match_posts` compares, for each member and viewer, what the profile reads from the
rows (counts, posts per day, top tags) with these queries over the member's posts; then checks
that the rows the events wrote are exactly those the rebuild recomputes from the posts.
"""

from dataclasses import asdict
from datetime import date

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate

from contributions import selectors, tally
from contributions.models import CategoryTotals, DailyPosts, TagTotals
from forum import permissions
from forum.models import Post, Visibility
from profiles import selectors as profile_selectors


def readable_posts(member, viewer):
    return Post.objects.filter(
        author=member,
        visibility=Visibility.VISIBLE,
        thread__visibility=Visibility.VISIBLE,
        thread__category__access__in=permissions.readable_accesses(viewer),
    )


def counts(member, viewer) -> dict:
    row = readable_posts(member, viewer).aggregate(
        threads=Count("pk", filter=Q(is_opening=True)),
        replies=Count("pk", filter=Q(is_opening=False)),
        accepted=Count("pk", filter=Q(accepted_in__isnull=False)),
        endorsed=Count("pk", filter=Q(endorsed_by__isnull=False)),
        votes=Sum("score"),
    )
    return {name: value or 0 for name, value in row.items()}


def posts_per_day(member, viewer) -> dict:
    rows = readable_posts(member, viewer).annotate(day=TruncDate("created_at")).values("day").annotate(n=Count("pk"))
    return {row["day"]: row["n"] for row in rows.order_by()}


def top_tags(member, viewer) -> list[dict]:
    rows = (
        readable_posts(member, viewer)
        .filter(thread__tags__isnull=False)
        .values("thread__tags__name", "thread__tags__slug")
        .annotate(
            accepted=Count("pk", filter=Q(accepted_in__isnull=False)),
            score=Sum("score"),
            posts=Count("pk"),
        )
        .order_by("-accepted", "-score", "-posts", "thread__tags__name")
    )
    return [
        {
            "name": row["thread__tags__name"],
            "slug": row["thread__tags__slug"],
            "accepted": row["accepted"],
            "score": row["score"] or 0,
            "posts": row["posts"],
        }
        for row in rows
    ]


def stored_rows(members) -> dict:
    """Every row of these members that holds something (rows left at zero count for nothing)."""
    ids = [member.pk for member in members]
    tables = {
        DailyPosts: ("member", "category", "day", "posts"),
        CategoryTotals: ("member", "category", "threads", "replies", "accepted", "endorsed", "votes"),
        TagTotals: ("member", "category", "tag", "posts", "accepted", "score"),
    }
    return {
        model.__name__: sorted(row for row in model.objects.filter(member__in=ids).values_list(*fields) if any(row[3:]))
        for model, fields in tables.items()
    }


def assert_rows_match_posts(members, viewers, *, through_profile=True):
    """The rows agree with the posts for each member as each viewer sees them, and with a
    rebuild; `through_profile` also reads them as the profile page does (the slower part)."""
    for member in members:
        for viewer in viewers:
            who = (member.username, getattr(viewer, "username", "visitor"))
            assert selectors.counts(member, viewer) == counts(member, viewer), who
            assert selectors.posts_per_day(member, viewer, since=date.min) == posts_per_day(member, viewer), who
            assert selectors.top_tags(member, viewer, limit=100) == top_tags(member, viewer), who
            if through_profile:
                _assert_profile_shows_the_truth(member, viewer, who)
    written = stored_rows(members)
    tally.rebuild(members)
    assert stored_rows(members) == written, "the rows the events wrote differ from the rebuild's"


def _assert_profile_shows_the_truth(member, viewer, who):
    """The same through the profile page's selectors: what the page shows."""
    assert asdict(profile_selectors.contribution_counts(member, viewer)) == counts(member, viewer), who
    heat = profile_selectors.calendar(member, viewer)
    expected = {day: n for day, n in posts_per_day(member, viewer).items() if heat.start <= day <= heat.end}
    assert {cell.day: cell.count for cell in heat.cells if cell.count} == expected, who
    shown = [asdict(tag) for tag in profile_selectors.summary(member, viewer).top_tags]
    assert shown == top_tags(member, viewer)[: profile_selectors.TOP_TAGS], who
