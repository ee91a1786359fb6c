"""What a member's profile page shows, fetched in one place so templates never query.

Everything is limited to what the viewer may read: visible posts in visible
threads of the categories the viewer can open. Ledger entries and badges
earned in a category the viewer cannot read keep their points and dates (so
totals add up) but lose their link and title.
"""

import html
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Lower, TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from contributions import selectors as contributions
from forum import permissions
from forum import selectors as forum_selectors
from forum.models import Post, Thread, Visibility, Vote
from profiles import charts, roles
from profiles.models import Member
from profiles.services import can_edit_profile
from reputation import badges
from reputation import selectors as reputation_selectors
from reputation.models import BadgeAward, ReputationEntry
from web.prepared import Prepared

TABS = ("summary", "activity", "badges", "reputation")
ACTIVITY_KINDS = ("threads", "replies", "accepted", "endorsed", "votes")
ACTIVITY_PER_PAGE = 20
LEDGER_PER_PAGE = 50
SUMMARY_ITEMS = 5
TOP_TAGS = 8
KNOWN_TAGS = 5
EXCERPT_CHARS = 180


def member_for(username: str) -> Member:
    """The member with this username (exactly, else in any case), deleted accounts included, or 404."""
    members = list(Member.objects.filter(username__iexact=username).order_by("pk")[:10])
    if not members:
        raise Http404
    return next((m for m in members if m.username == username), members[0])


def _readable(prefix: str, viewer) -> Q:
    """Posts (reached through `prefix`) that are visible, in a visible thread the viewer may read."""
    return _readable_in(prefix, permissions.readable_accesses(viewer))


def _readable_in(prefix: str, accesses) -> Q:
    """The same rule for readers of categories of these `accesses`."""
    return Q(
        **{
            f"{prefix}visibility": Visibility.VISIBLE,
            f"{prefix}thread__visibility": Visibility.VISIBLE,
            f"{prefix}thread__category__access__in": accesses,
        }
    )


def _posts(member: Member, viewer) -> QuerySet[Post]:
    return Post.objects.filter(_readable("", viewer), author=member)


def _is_readable(post: Post | None, viewer) -> bool:
    """The same rule as _readable, for a post already loaded with its thread and category."""
    return (
        post is not None
        and post.visibility == Visibility.VISIBLE
        and post.thread.visibility == Visibility.VISIBLE
        and post.thread.category.access in permissions.readable_accesses(viewer)
    )


def _accepted_answers(member: Member) -> Q:
    """The member's posts that answer a thread. Found from the threads' accepted answers, not by
    reading each of the member's posts: 6 ms -> 1.7 ms for 5,000 posts on SQLite."""
    return Q(pk__in=Thread.objects.filter(accepted_answer__author=member).values("accepted_answer"))


def _with_excerpts(posts) -> list[Post]:
    posts = list(posts)
    for post in posts:
        post.excerpt = excerpt(post.body_html)
    return posts


def excerpt(body_html: str) -> str:
    """A post's text, cut at EXCERPT_CHARS characters. Most posts are shorter: they are taken as
    they are, without a Truncator, which costs about 40 µs a post (most of a profile's lists)."""
    text = unicodedata.normalize("NFC", " ".join(html.unescape(strip_tags(body_html)).split()))
    return text if len(text) <= EXCERPT_CHARS else Truncator(text).chars(EXCERPT_CHARS)


@dataclass
class Counts:
    threads: int = 0
    replies: int = 0
    accepted: int = 0
    endorsed: int = 0
    votes: int = 0


def contribution_counts(member: Member, viewer) -> Counts:
    """How many of each contribution the viewer can see, from the member's rows (one small query).

    Votes received are the sum of the posts' scores: a score is the number of votes on the post.
    """
    return Counts(**contributions.counts(member, viewer))


def calendar(member: Member, viewer) -> charts.HeatMap:
    """Posts per day over the last year, as a heat map."""
    today = timezone.localdate()
    since = today - timedelta(weeks=charts.WEEKS + 1)
    return charts.heat_map(contributions.posts_per_day(member, viewer, since=since), today=today)


# Summary -----------------------------------------------------------------------------


@dataclass
class TopTag:
    name: str
    slug: str
    accepted: int
    score: int
    posts: int


@dataclass
class KnownTag:
    name: str
    slug: str
    points: int


@dataclass
class Summary:
    counts: Counts
    best_replies: list[Post]
    accepted: list[Post]
    top_tags: list[TopTag]
    recent_badges: list["EarnedBadge"]
    knows_about: list[KnownTag] = field(default_factory=list)


def _top_tags(member: Member, viewer) -> list[TopTag]:
    return [TopTag(**row) for row in contributions.top_tags(member, viewer, limit=TOP_TAGS)]


def _knows_about(member: Member, viewer) -> list[KnownTag]:
    """The tags of the member's expertise (points earned answering, reputation/expertise.py)."""
    return [KnownTag(**row) for row in reputation_selectors.known_tags(member, viewer, limit=KNOWN_TAGS)]


def _summary_replies(kind: str, member, accesses: tuple) -> QuerySet[Post]:
    """The member's best replies ("best") or accepted answers ("accepted") that readers of
    `accesses` may read, as the summary lists them."""
    replies = Post.objects.filter(_readable_in("", accesses), author=member, is_opening=False)
    replies = replies.select_related("thread__category", "endorsed_by").defer("body")
    if kind == "best":
        return replies.filter(score__gt=0).order_by("-score", "-created_at", "-id")[:SUMMARY_ITEMS]
    return replies.filter(_accepted_answers(member)).order_by("-thread__accepted_at", "-id")[:SUMMARY_ITEMS]


# The summary's two lists, per kind and readers' accesses, their SQL compiled once
# (web/prepared.py): building and compiling them cost more than running them.
_SUMMARY_LISTS: dict[tuple, Prepared] = {}


def summary_replies(kind: str, member: Member, viewer) -> list[Post]:
    accesses = tuple(permissions.readable_accesses(viewer))
    prepared = _SUMMARY_LISTS.get((kind, accesses))
    if prepared is None:
        prepared = _SUMMARY_LISTS.setdefault(
            (kind, accesses), Prepared(lambda member: _summary_replies(kind, member, accesses))
        )
    return prepared.objects(member=member.pk)


def summary(member: Member, viewer) -> Summary:
    return Summary(
        counts=contribution_counts(member, viewer),
        best_replies=_with_excerpts(summary_replies("best", member, viewer)),
        accepted=_with_excerpts(summary_replies("accepted", member, viewer)),
        top_tags=_top_tags(member, viewer),
        recent_badges=earned_badges(member, viewer, limit=SUMMARY_ITEMS + 1),
        knows_about=_knows_about(member, viewer),
    )


# Activity ----------------------------------------------------------------------------


@dataclass
class Activity:
    kind: str
    counts: Counts
    page: Page


def _activity_list(member: Member, viewer, kind: str) -> QuerySet:
    if kind == "threads":
        threads = Thread.objects.filter(
            pk__in=_posts(member, viewer).filter(is_opening=True).values("thread_id"), author=member
        )
        return forum_selectors.with_tags(threads.select_related("category", "author", "last_poster")).order_by(
            "-created_at", "-id"
        )
    if kind == "votes":
        return (
            Vote.objects.filter(_readable("post__", viewer), post__author=member)
            .select_related("post__thread__category")
            .defer("post__body", "post__body_html")
            .order_by("-created_at", "-id")
        )
    posts = _posts(member, viewer).select_related("thread__category", "endorsed_by").defer("body")
    if kind == "accepted":
        return posts.filter(_accepted_answers(member)).order_by("-thread__accepted_at", "-id")
    if kind == "endorsed":
        return posts.filter(endorsed_by__isnull=False).order_by("-endorsed_at", "-id")
    return posts.filter(is_opening=False).order_by("-created_at", "-id")


class _CountedPaginator(Paginator):
    """A paginator told how many items its list holds, instead of counting them with a query."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def activity(member: Member, viewer, *, kind: str = "replies", page_number=1) -> Activity:
    """One kind of contribution, paginated. The contribution rows already count each kind (the
    threads, the replies, ... the votes: the posts' scores), so the list is not counted again."""
    kind = kind if kind in ACTIVITY_KINDS else "replies"
    counts = contribution_counts(member, viewer)
    paginator = _CountedPaginator(_activity_list(member, viewer, kind), ACTIVITY_PER_PAGE, count=getattr(counts, kind))
    page = paginator.get_page(page_number)
    if kind not in ("threads", "votes"):
        page.object_list = _with_excerpts(page.object_list)
    return Activity(kind=kind, counts=counts, page=page)


# Badges ------------------------------------------------------------------------------


@dataclass
class EarnedBadge:
    award: BadgeAward
    badge: badges.Badge
    post: Post | None = None  # set only when the viewer may open it
    private: bool = False  # earned in a category the viewer cannot read
    removed: bool = False  # the post is gone or hidden


def _post_state(post: Post | None, category, viewer) -> dict:
    """What the viewer may see of the post an award or ledger entry points at."""
    accesses = permissions.readable_accesses(viewer)
    category = post.thread.category if post is not None else category
    if category is not None and category.access not in accesses:
        return {"private": True}
    if not _is_readable(post, viewer):
        return {"removed": True}
    return {"post": post}


def earned_badges(member: Member, viewer, *, limit: int | None = None) -> list[EarnedBadge]:
    awards = BadgeAward.objects.filter(member=member).select_related("post__thread__category").defer("post__body")
    awards = awards.order_by("-awarded_at", "-id")
    if limit is not None:
        awards = awards[:limit]
    earned = []
    for award in awards:
        badge = badges.BY_SLUG.get(award.badge)
        if badge is None:
            continue  # a badge retired from the catalogue
        state = _post_state(award.post, None, viewer) if award.post_id else {}
        earned.append(EarnedBadge(award=award, badge=badge, **state))
    return earned


@dataclass
class BadgesTab:
    earned: list[EarnedBadge]
    by_tier: dict[str, int]


def badges_tab(member: Member, viewer) -> BadgesTab:
    earned = earned_badges(member, viewer)
    by_tier = {tier: sum(1 for e in earned if e.badge.tier == tier) for tier in badges.TIERS}
    return BadgesTab(earned=earned, by_tier=by_tier)


# Reputation --------------------------------------------------------------------------


Reason = ReputationEntry.Reason

# The ledger's reasons as others read them (the model's labels speak to the member).
REASON_LABELS = {
    Reason.REPLY_HELPFUL: _("Reply marked helpful"),
    Reason.THREAD_HELPFUL: _("Thread marked helpful"),
    Reason.ANSWER_ACCEPTED: _("Answer accepted"),
    Reason.ACCEPTED_ANSWER: _("Accepted an answer to their question"),
    Reason.REPLY_ENDORSED: _("Reply endorsed by staff"),
    Reason.IDEA_PLANNED: _("Idea planned"),
    Reason.IDEA_DONE: _("Idea delivered"),
}


@dataclass
class LedgerRow:
    entry: ReputationEntry
    post: Post | None = None
    private: bool = False
    removed: bool = False

    @property
    def label(self):
        return REASON_LABELS.get(self.entry.reason, self.entry.reason)


@dataclass
class ReputationTab:
    chart: charts.LineChart | None
    total: int
    page: Page
    rows: list[LedgerRow] = field(default_factory=list)


def reputation_tab(member: Member, viewer, *, page_number=1) -> ReputationTab:
    daily = (
        ReputationEntry.objects.filter(member=member)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(change=Sum("amount"))
        .order_by("day")
    )
    chart = charts.reputation_chart([(row["day"], row["change"]) for row in daily], today=timezone.localdate())
    entries = (
        ReputationEntry.objects.filter(member=member)
        .select_related("post__thread__category", "category")
        .defer("post__body", "post__body_html")
        .order_by("-created_at", "-id")
    )
    page = Paginator(entries, LEDGER_PER_PAGE).get_page(page_number)
    rows = [
        LedgerRow(entry=entry, **(_post_state(entry.post, entry.category, viewer) if entry.category_id else {}))
        for entry in page.object_list
    ]
    return ReputationTab(chart=chart, total=chart.total if chart else 0, page=page, rows=rows)


# The page ----------------------------------------------------------------------------


@dataclass
class ProfilePage:
    member: Member
    tab: str
    is_deleted: bool = False
    is_self: bool = False
    viewer_can_edit: bool = False
    sees_suspension_reason: bool = False
    viewer_moderates: bool = False  # the link to the warn and suspend page
    calendar: charts.HeatMap | None = None
    summary: Summary | None = None
    activity: Activity | None = None
    badges: BadgesTab | None = None
    reputation: ReputationTab | None = None


def profile_page(member: Member, viewer, tab: str = "summary", *, kind: str = "replies", page_number=1) -> ProfilePage:
    """The header, the calendar and one tab of `member`'s profile, as `viewer` may see them."""
    tab = tab if tab in TABS else "summary"
    if not member.is_active:
        return ProfilePage(member=member, tab=tab, is_deleted=True)
    is_self = roles.is_member(viewer) and viewer.pk == member.pk
    page = ProfilePage(
        member=member,
        tab=tab,
        is_self=is_self,
        viewer_can_edit=can_edit_profile(viewer, member),
        sees_suspension_reason=is_self or roles.is_moderator(viewer),
        viewer_moderates=roles.can_moderate_member(viewer, member),
        calendar=calendar(member, viewer),
    )
    if tab == "summary":
        page.summary = summary(member, viewer)
    elif tab == "activity":
        page.activity = activity(member, viewer, kind=kind, page_number=page_number)
    elif tab == "badges":
        page.badges = badges_tab(member, viewer)
    else:
        page.reputation = reputation_tab(member, viewer, page_number=page_number)
    return page


MENTION_QUERY_MIN = 2
MENTION_QUERY_MAX = 30  # usernames can be longer, but nobody types 30 letters to be offered a name
MENTION_RESULTS = 8


def members_to_mention(prefix: str) -> list[Member]:
    """Active members whose username or display name starts with `prefix` (any case), at most
    MENTION_RESULTS, in one query. Only what a public profile shows is read: username, display name."""
    if len(prefix) < MENTION_QUERY_MIN:
        return []
    matches = Q(username__istartswith=prefix) | Q(display_name__istartswith=prefix)
    return list(
        Member.objects.filter(matches, is_active=True)
        .only("username", "display_name")
        .order_by(Lower("username"), "pk")[:MENTION_RESULTS]
    )
