"""What the community pages show: the leaderboard and the badge pages.

Read-only selectors over the reputation ledger and the badge awards. Points
are summed in the database; a page costs the same few queries whatever the
size of the community. Categories come from forum.selectors, so a viewer
only ever sees (and filters by) the categories they may read.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.paginator import Page
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forum import permissions
from forum.models import Category
from forum.selectors import paginate, readable_categories
from profiles import badges
from profiles.models import BadgeAward, Member, ReputationEntry

PERIODS = {"7": 7, "30": 30, "365": 365, "all": None}
PERIOD_NAMES = {"7": _("7 days"), "30": _("30 days"), "365": _("365 days"), "all": _("All time")}
DEFAULT_PERIOD = "30"
ADVOCATES_PER_PAGE = 25
STAFF_SHOWN = 25  # a brand's staff is a handful of people; the cap only keeps the page bounded
HOLDERS_PER_PAGE = 30

FAMILIES = (
    ("advocate", _("Advocates"), _("For answering other members’ questions.")),
    ("participation", _("Participation"), _("For taking part in the community.")),
)

# Brand staff and admins answer as the brand: they are listed apart, never ranked among advocates.
STAFF = Q(is_brand_staff=True) | Q(is_superuser=True)


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


@dataclass
class Standing:
    rank: int
    member: Member
    points: int


def leaderboard(viewer, *, period: str, category_slug: str | None = None, page_number=1) -> Leaderboard:
    """Top advocates by reputation gained in the period (and category); 404 for a category the viewer cannot read."""
    period = period_from(period)
    categories = list(readable_categories(viewer))
    category = None
    if category_slug:
        category = next((c for c in categories if c.slug == category_slug), None)
        if category is None:
            raise Http404
    return Leaderboard(
        period=period,
        category=category,
        categories=categories,
        advocates=_advocates(period, category, page_number),
        staff=_staff(period, category),
    )


def _advocates(period: str, category: Category | None, page_number) -> Page:
    """A page of Standings: members who are not staff, by points gained, summed in the database."""
    gains = (
        ReputationEntry.objects.filter(_in_period(period, category))
        .filter(member__is_active=True, member__is_brand_staff=False, member__is_superuser=False)
        .values("member")
        .annotate(points=Sum("amount"))
        .filter(points__gt=0)
        .order_by("-points", "member")
    )
    page = paginate(gains, page_number, ADVOCATES_PER_PAGE)
    rows = list(page.object_list)
    members = Member.objects.in_bulk([row["member"] for row in rows])
    page.object_list = [
        Standing(rank=page.start_index() + i, member=members[row["member"]], points=row["points"])
        for i, row in enumerate(rows)
    ]
    return page


def _in_period(period: str, category: Category | None, prefix: str = "") -> Q:
    """Ledger rows of the period (and category); `prefix` reaches them from another model."""
    condition = Q()
    if PERIODS[period] is not None:
        condition &= Q(**{f"{prefix}created_at__gte": timezone.now() - timedelta(days=PERIODS[period])})
    if category is not None:
        condition &= Q(**{f"{prefix}category": category})
    return condition


def _staff(period: str, category: Category | None) -> list[Member]:
    """Staff accounts with what each gained in the period, in one query."""
    points = Sum("reputation_entries__amount", filter=_in_period(period, category, "reputation_entries__"), default=0)
    staff = Member.objects.filter(STAFF, is_active=True).annotate(points=points)
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
