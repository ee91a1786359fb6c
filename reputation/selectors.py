"""What the community pages show: the leaderboard and the badge pages.

Read-only selectors over the reputation ledger and the badge awards. Points
are summed in the database; a page costs the same few queries whatever the
size of the community. Categories come from forum.selectors, so a viewer
only ever sees (and filters by) the categories they may read. With a tag, the
leaderboard ranks by expertise under it (reputation/expertise.py's rows), in
the categories the viewer may read, and offers only tags found on threads
they may read. `advocates` is the one ranking of advocates by reputation: the
staff figures page calls it too.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.core.paginator import Page
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from forum import permissions
from forum.models import Category, Thread, Visibility
from forum.selectors import paginate, readable_categories
from profiles import roles
from profiles.models import Member
from reputation import badges
from reputation.models import BadgeAward, TagExpertise

PERIODS = {"7": 7, "30": 30, "365": 365, "all": None}
PERIOD_NAMES = {"7": _("7 days"), "30": _("30 days"), "365": _("365 days"), "all": _("All time")}
DEFAULT_PERIOD = "30"
ADVOCATES_PER_PAGE = 25
STAFF_SHOWN = 25  # a brand's staff is a handful of people; the cap only keeps the page bounded
HOLDERS_PER_PAGE = 30
TAGS_OFFERED = 12  # the leaderboard's tag picker: the most used tags

FAMILIES = (
    ("advocate", _("Advocates"), _("For answering other members’ questions.")),
    ("participation", _("Participation"), _("For taking part in the community.")),
)


def period_from(value) -> str:
    """The period asked for, or the default one when the value is missing or unknown."""
    return value if value in PERIODS else DEFAULT_PERIOD


# The leaderboard --------------------------------------------------------------------------


@dataclass
class Leaderboard:
    period: str
    category: Category | None
    categories: list[Category]
    advocates: Page  # of Standing
    staff: list  # of Member, each with .points
    tag: dict | None = None  # ranking by expertise under this tag (id, name, slug), or None: by reputation
    tags: list[dict] = field(default_factory=list)  # the tags offered (id, name, slug, threads), most used first


@dataclass
class Standing:
    rank: int
    member: Member
    points: int


def leaderboard(
    viewer, *, period: str, category_slug: str | None = None, tag_slug: str | None = None, page_number=1
) -> Leaderboard:
    """Top advocates by reputation gained in the period (and category), or with a tag by their
    expertise under it (of all time: expertise has no period); 404 for a category or a tag the
    viewer cannot read."""
    period = period_from(period)
    categories = list(readable_categories(viewer))
    category = None
    if category_slug:
        category = next((c for c in categories if c.slug == category_slug), None)
        if category is None:
            raise Http404
    tags = most_used_tags(viewer, limit=TAGS_OFFERED)
    if tag_slug:
        tag = next((t for t in tags if t["slug"] == tag_slug), None)
        if tag is None:  # a tag used less: offered too while it is the one shown
            tag = tag_for(viewer, tag_slug)
            tags.append(tag)
        return Leaderboard(
            period=period,
            category=category,
            categories=categories,
            advocates=_standings(tag_advocates(viewer, tag=tag, category=category), page_number),
            staff=_tag_staff(viewer, tag=tag, category=category),
            tag=tag,
            tags=tags,
        )
    days = PERIODS[period]
    since = None if days is None else period_start(days, now=timezone.now())
    return Leaderboard(
        period=period,
        category=category,
        categories=categories,
        advocates=_standings(advocates(viewer, since=since, category=category), page_number),
        staff=_staff(viewer, since=since, category=category),
        tags=tags,
    )


def period_start(days: int, *, now: datetime) -> datetime:
    """The start of the last `days` days, today included: local midnight of the first day.

    Calendar days rather than a rolling window, so that "the last 7 days" covers the
    same days on every page that counts them, from the first request of the day to the last.
    """
    first_day = timezone.localdate(now) - timedelta(days=days - 1)
    return timezone.make_aware(datetime.combine(first_day, time.min))


def advocates(viewer, *, since: datetime | None, category: Category | None) -> QuerySet[Member]:
    """Top advocates, best first, each with .points: what they gained in the period, summed in the database.

    The one rule, for the leaderboard and the staff figures alike:

    - an advocate is an active member who is not staff (brand staff and admins answer as the
      brand and are listed apart); moderators are members and count;
    - what counts is the reputation ledger since `since` (None: all time), gains minus
      reversals, each reversal in the period it was written; a member whose sum is zero or
      less is left out: the ranking is of those who gained;
    - with a category, only its rows; without one, the rows of every category the viewer may
      read and the rows without a category (accepted answers written before categories were
      recorded). Points earned in a category the viewer cannot read never show, so the ranking
      tells nothing about a staff-only category to a member or a visitor;
    - ties go to the username, so the order is the same on every page and every database.
    """
    return (
        Member.objects.filter(is_active=True)
        .exclude(roles.brand_staff_q())
        .filter(_gained(viewer, since=since, category=category))
        .annotate(points=Sum("reputation_entries__amount"))
        .filter(points__gt=0)
        .order_by("-points", "username")
    )


def _gained(viewer, *, since: datetime | None, category: Category | None) -> Q:
    """The ledger rows that count (see `advocates`), reached from Member, in one condition.

    One Q in one filter() or aggregate, so that every part of it applies to the same ledger row.
    """
    rows = Q()
    if since is not None:
        rows &= Q(reputation_entries__created_at__gte=since)
    if category is not None:
        return rows & Q(reputation_entries__category=category)
    readable = Q(reputation_entries__category__access__in=permissions.readable_accesses(viewer))
    return rows & (Q(reputation_entries__category__isnull=True) | readable)


def _standings(members: QuerySet[Member], page_number) -> Page:
    page = paginate(members, page_number, ADVOCATES_PER_PAGE)
    page.object_list = [
        Standing(rank=page.start_index() + i, member=member, points=member.points)
        for i, member in enumerate(page.object_list)
    ]
    return page


def _staff(viewer, *, since: datetime | None, category: Category | None) -> list[Member]:
    """Staff accounts with what each gained in the period, counted as advocates' points are, in one query."""
    points = Sum("reputation_entries__amount", filter=_gained(viewer, since=since, category=category), default=0)
    staff = Member.objects.filter(roles.brand_staff_q()).annotate(points=points)
    return list(staff.order_by("-points", "username")[:STAFF_SHOWN])


# The leaderboard by tag -------------------------------------------------------------------


def _shown_threads(viewer) -> QuerySet[Thread]:
    """The threads whose tags a viewer may see named: visible, in a category they may read."""
    return Thread.objects.filter(
        visibility=Visibility.VISIBLE, category__access__in=permissions.readable_accesses(viewer)
    )


def most_used_tags(viewer, *, limit: int) -> list[dict]:
    """The tags on the most threads the viewer may read (id, name, slug, threads), in one query.

    Only those threads count, so a tag used only in a staff-only category (or only on hidden
    threads) is never offered to a member or a visitor.
    """
    rows = (
        _shown_threads(viewer)
        .filter(tags__isnull=False)
        .values_list("tags__id", "tags__name", "tags__slug")
        .annotate(threads=Count("pk"))
        .order_by("-threads", "tags__name")
    )
    return [{"id": pk, "name": name, "slug": slug, "threads": threads} for pk, name, slug, threads in rows[:limit]]


def tag_for(viewer, slug: str) -> dict:
    """The tag (id, name, slug) if it is on a thread the viewer may read; 404 otherwise, as for a category."""
    tag = (
        Tag.objects.filter(Exists(_shown_threads(viewer).filter(tags=OuterRef("pk"))), slug=slug)
        .values("id", "name", "slug")
        .first()
    )
    if tag is None:
        raise Http404
    return tag


def _tag_rows(viewer, *, tag: dict, category: Category | None) -> QuerySet[TagExpertise]:
    """The expertise rows under the tag that count: those of `category`, or of every category the
    viewer may read (points earned in a staff-only category never show to a member or a visitor)."""
    where = {"category": category} if category else {"category__access__in": permissions.readable_accesses(viewer)}
    return TagExpertise.objects.filter(tag_id=tag["id"], **where).order_by()


def _tag_points(viewer, *, tag: dict, category: Category | None) -> Subquery:
    """The outer member's expertise under the tag, summed over the rows that count."""
    rows = _tag_rows(viewer, tag=tag, category=category).filter(member=OuterRef("pk"))
    return Subquery(rows.values("member").annotate(total=Sum("points")).values("total"))


def tag_advocates(viewer, *, tag: dict, category: Category | None) -> QuerySet[Member]:
    """Advocates (as `advocates` says: active, not staff) by their expertise under the tag, best first,
    each with .points; ties go to the username. Only members with rows under the tag are looked at."""
    holders = _tag_rows(viewer, tag=tag, category=category).filter(points__gt=0).values("member")
    return (
        Member.objects.filter(is_active=True, pk__in=holders)
        .exclude(roles.brand_staff_q())
        .annotate(points=_tag_points(viewer, tag=tag, category=category))
        .filter(points__gt=0)
        .order_by("-points", "username")
    )


def _tag_staff(viewer, *, tag: dict, category: Category | None) -> list[Member]:
    """Staff accounts with their expertise under the tag, in one query."""
    points = Coalesce(_tag_points(viewer, tag=tag, category=category), 0)
    staff = Member.objects.filter(roles.brand_staff_q()).annotate(points=points)
    return list(staff.order_by("-points", "username")[:STAFF_SHOWN])


# The badges -------------------------------------------------------------------------------


@dataclass
class BadgeFamily:
    slug: str
    name: str
    description: str
    badges: list  # of BadgeSummary


@dataclass
class BadgeSummary:
    badge: badges.Badge
    holders: int
    awards: int

    @property
    def tier_name(self) -> str:
        return badges.TIER_NAMES[self.badge.tier]


def _awards() -> QuerySet[BadgeAward]:
    return BadgeAward.objects.filter(member__is_active=True)


def badge_families() -> list[BadgeFamily]:
    """The catalogue grouped by family (advocates first), each badge with how many members hold it."""
    counts = {
        row["badge"]: row
        for row in _awards().values("badge").annotate(holders=Count("member", distinct=True), awards=Count("pk"))
    }
    families = []
    for slug, name, description in FAMILIES:
        summaries = [
            BadgeSummary(
                badge=badge,
                holders=counts.get(badge.slug, {}).get("holders", 0),
                awards=counts.get(badge.slug, {}).get("awards", 0),
            )
            for badge in badges.CATALOGUE
            if badge.family == slug
        ]
        families.append(BadgeFamily(slug=slug, name=name, description=description, badges=summaries))
    return families


def badge_for(slug: str) -> badges.Badge:
    badge = badges.BY_SLUG.get(slug)
    if badge is None:
        raise Http404
    return badge


def badge_holders(badge: badges.Badge, viewer, page_number=1) -> Page:
    """The badge's awards, newest first; each per-post award knows whether the viewer may follow it to its post."""
    awards = (
        _awards()
        .filter(badge=badge.slug)
        .select_related("member", "post", "post__thread", "post__thread__category")
        .order_by("-awarded_at", "-id")
    )
    page = paginate(awards, page_number, HOLDERS_PER_PAGE)
    page.object_list = list(page.object_list)
    for award in page.object_list:
        post = award.post
        award.readable_post = (
            post
            if post is not None
            and permissions.can_read_thread(viewer, post.thread)
            and permissions.can_see_post_body(viewer, post)
            else None
        )
    return page


# Expertise -------------------------------------------------------------------------------------


def known_tags(member: Member, viewer, *, limit: int) -> list[dict]:
    """The tags `member` knows best as `viewer` may see them: most points first (one query).

    Only points earned in categories the viewer may read count, and only tags found on a
    visible thread the viewer may read are named: a tag used only in a staff-only category
    (or only on hidden threads) never shows to a member or a visitor. Each is a dict with
    name, slug and points.
    """
    accesses = permissions.readable_accesses(viewer)
    shown = Thread.objects.filter(tags=OuterRef("tag"), visibility=Visibility.VISIBLE, category__access__in=accesses)
    rows = (
        TagExpertise.objects.filter(Exists(shown), member=member, category__access__in=accesses, points__gt=0)
        .values(name=F("tag__name"), slug=F("tag__slug"))
        .annotate(points=Sum("points"))
        .order_by("-points", "name")
    )
    return list(rows[:limit])
