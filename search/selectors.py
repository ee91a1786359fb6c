"""Searching, for a reader: only what they may see, checked against the database when shown."""

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from haystack.query import SearchQuerySet

from forum.models import Category, Post, Thread, Visibility
from forum.permissions import readable_accesses
from ideas.models import Status
from profiles import roles
from profiles.models import Member
from search import query as query_parser
from search.analysis import composed
from search.snippets import snippet
from web.prepared import Prepared

SIMILAR_TIMEOUT = 600  # seconds a "similar threads" list is reused before asking the index again
MAX_HITS = 200  # ranked hits checked against the database for one search
PER_PAGE = 15
SORTS = {"relevance": None, "newest": "-created", "score": "-votes"}
STATUSES = Status.choices  # an idea's, for the status filter
# Characters in a query: the forms' maxlength, so that the longest query the forms can
# send (percent-encoded, with every filter) fits well inside the server's request line
# (16 KB under daphne), which otherwise closes the connection without an answer.
MAX_QUERY_LENGTH = 200
MAX_FILTER_LENGTH = 200  # the other text filters: a tag (100), a username (150)
# Dates a search may name: the index writes years with four digits, and a day at either
# end moves into the year 999 or 10000 when read in UTC from the site's time zone.
FIRST_YEAR = 1000
EARLIEST = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
LATEST = datetime.max.replace(tzinfo=UTC)


@dataclass
class Filters:
    q: str = ""
    category: str = ""
    tag: str = ""
    author: str = ""
    date_from: str = ""
    date_to: str = ""
    solved: str = ""  # "", "yes", "no"
    official: str = ""  # "", "yes", "no"
    type: str = ""  # "", "threads", "posts"
    status: str = ""  # "" or an idea's status (ideas.models.Status)
    sort: str = "relevance"
    errors: list = field(default_factory=list)
    # The dates as instants in UTC, read by from_query.
    since: datetime | None = field(default=None, repr=False)
    until: datetime | None = field(default=None, repr=False)

    @classmethod
    def from_query(cls, params):
        """The filters as typed (for the form to show again), with an error for each that cannot be used."""
        # NUL never belongs in a search, and PostgreSQL refuses it in a query parameter. Text is
        # compared in composed form (NFC), however the reader's keyboard sent its accents.
        typed = {
            name: composed((params.get(name) or "").replace("\x00", "")).strip()
            for name in cls.__dataclass_fields__
            if name not in {"errors", "since", "until"}
        }
        filters = cls(**{name: value[:MAX_FILTER_LENGTH] for name, value in typed.items()})
        if len(typed["q"]) > MAX_QUERY_LENGTH:
            filters.q = typed["q"][:MAX_QUERY_LENGTH]
            filters.errors.append(_("A search can be at most %(limit)d characters long.") % {"limit": MAX_QUERY_LENGTH})
        if filters.sort not in SORTS:
            filters.sort = "relevance"
        filters.status = filters.status.lower()
        if filters.status and filters.status not in Status.values:
            filters.errors.append(_("Choose an idea status from the list, or any status."))
        try:
            filters.since = _instant(filters.date_from)
            filters.until = _instant(filters.date_to, end=True)
        except ValueError as error:
            filters.errors.append(str(error))
        return filters


@dataclass
class Result:
    thread: Thread
    post: Post
    snippet: str


def _instant(value: str, *, end: bool = False) -> datetime | None:
    """When the day `value` (YYYY-MM-DD) starts, or ends, in UTC; None for no date.

    Raises ValueError with the message to show when it is not a day a search can name.
    """
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(_("Dates are written as YYYY-MM-DD.")) from None
    if day.year < FIRST_YEAR:
        raise ValueError(_("Choose dates between the years 1000 and 9999."))
    # The day is the site's; the index holds UTC wall-clock times (Whoosh drops the zone).
    try:
        instant = timezone.make_aware(datetime.combine(day, time.max if end else time.min)).astimezone(UTC)
    except OverflowError:  # the last days of 9999, west of Greenwich: after anything indexed
        return LATEST
    return max(instant, EARLIEST)


def _narrow(sqs, filters: Filters, viewer):
    if not roles.sees_staff_areas(viewer):
        # A narrowing query, which the backend turns into a cached set to leave out.
        sqs = sqs.narrow("NOT staff_only:true")
    if filters.category:
        category = Category.objects.filter(slug=filters.category, access__in=readable_accesses(viewer)).first()
        sqs = sqs.filter(category_id=category.pk if category else 0)
    if filters.tag:
        sqs = sqs.filter(tags=filters.tag.lower())
    if filters.author:
        author = Member.objects.filter(username__iexact=filters.author).values_list("pk", flat=True).first()
        sqs = sqs.filter(author_id=author or 0)
    if filters.since is not None:
        sqs = sqs.filter(created__gte=filters.since)
    if filters.until is not None:
        sqs = sqs.filter(created__lte=filters.until)
    for name in ("solved", "official"):
        if getattr(filters, name) in {"yes", "no"}:
            sqs = sqs.filter(**{name: getattr(filters, name) == "yes"})
    if filters.type in {"threads", "posts"}:
        sqs = sqs.filter(is_thread=filters.type == "threads")
    if filters.status:
        sqs = sqs.filter(idea_status=filters.status)
    return sqs


# Read beside every thread page (related threads) and for every search, their SQL compiled once
# (web/prepared.py). Posts are looked up by primary key only, and their access checked in
# Python: planners otherwise start from the threads table and scan it.
_POST_ACCESS = Prepared(
    lambda posts: (
        Post.objects.filter(pk__in=posts)
        .order_by()
        .values_list("pk", "thread_id", "visibility", "thread__visibility", "thread__category__access")
    )
)
# The threads of similar threads' hits (the posts opening them), with what is checked of each hit
# and what a link to its thread shows (title, address, solved, replies): one read beside every
# thread page, from the posts' primary keys.
_HIT_THREADS = Prepared(
    lambda posts: (
        Thread.objects.filter(posts__pk__in=posts)
        .order_by()
        .only("title", "slug", "accepted_answer_id", "reply_count", "visibility")
        .annotate(hit=F("posts__pk"), hit_visibility=F("posts__visibility"), access=F("category__access"))
    )
)


def _readable(visibility: str, thread_visibility: str, access: str, accesses: set[str]) -> bool:
    """Whether a hit may be shown: the post and its thread visible, in a category the reader reads."""
    return visibility == thread_visibility == Visibility.VISIBLE and access in accesses


def _verified_ids(hits, viewer) -> list[tuple[int, int]]:
    """(post id, thread id) of the hits the viewer may see now, in ranking order.

    The index may be stale; the database is not. Only ids are read here: the
    full rows are loaded for the page being shown.
    """
    ids = [int(hit.pk) for hit in hits]
    if not ids:
        return []
    accesses = set(readable_accesses(viewer))
    rows = _POST_ACCESS.rows(posts=ids)
    allowed = {
        pk: thread_id
        for pk, thread_id, visibility, thread_visibility, access in rows
        if _readable(visibility, thread_visibility, access, accesses)
    }
    return [(pk, allowed[pk]) for pk in ids if pk in allowed]


def _load(ids) -> list[Post]:
    posts = Post.objects.filter(pk__in=ids).select_related(
        "thread__category", "thread__idea", "thread__author", "author"
    )
    by_id = {post.pk: post for post in posts}
    return [by_id[pk] for pk in ids if pk in by_id]


def _verified(hits, viewer) -> list[Post]:
    return _load([pk for pk, _thread in _verified_ids(hits, viewer)])


@dataclass
class Found:
    page: Page
    # True when no post had every word, and the page shows those with some of them.
    some_words: bool = False


def _ranked_ids(viewer, filters: Filters, sq) -> list[tuple[int, int]]:
    """(post id, thread id) of the best MAX_HITS hits that the viewer may see, ranked."""
    sqs = _narrow(SearchQuerySet().filter(sq), filters, viewer)
    if SORTS[filters.sort]:
        sqs = sqs.order_by(SORTS[filters.sort])
    return _verified_ids(list(sqs[:MAX_HITS]), viewer)


def _shown_ids(filters: Filters, ranked) -> list[int]:
    """The ids of the posts to show, in ranking order, one per thread unless looking at replies."""
    found, seen_posts, seen_threads = [], set(), set()
    for pk, thread_id in ranked:
        if pk in seen_posts or (filters.type != "posts" and thread_id in seen_threads):
            continue
        seen_posts.add(pk)
        seen_threads.add(thread_id)
        found.append(pk)
    return found


def _some_words_ids(viewer, filters: Filters) -> list[int]:
    """For a query no post answers in full: the posts missing one of its words, best first; and
    when those fill less than a page, after them the posts with any of its words.

    A post that misses one word of three answers the question better than one holding a
    single word; and ranking only the near misses spares ranking every post that holds any
    word (three common words: 71 posts rather than 14,000 at 100,000 posts).
    """
    near, shown = [], []
    if (all_but_one := query_parser.build_all_but_one(filters.q)) is not None:
        near = _ranked_ids(viewer, filters, all_but_one)
        shown = _shown_ids(filters, near)
        if len(shown) >= PER_PAGE:
            return shown
    loose = query_parser.build_any_word(filters.q)
    if loose is None:
        return shown
    anywhere = _ranked_ids(viewer, filters, loose)
    if SORTS[filters.sort]:
        return _shown_ids(filters, anywhere)  # newest or best voted first, whatever words they hold
    return _shown_ids(filters, [*near, *anywhere][:MAX_HITS])


def search(viewer, filters: Filters, page_number=1) -> Found:
    """A page of results, one per thread (its best-matching post), and the number of threads found.

    A question in plain words that no post holds word for word is asked again, needing only
    some of its words: the posts missing only one of them come first.
    """
    sq = query_parser.build(filters.q)
    if sq is None:
        return Found(Paginator([], PER_PAGE).get_page(1))
    found = _shown_ids(filters, _ranked_ids(viewer, filters, sq))
    some_words = False
    if not found:
        found = _some_words_ids(viewer, filters)
        some_words = bool(found)
    page = Paginator(found, PER_PAGE).get_page(page_number)
    words = query_parser.positive_words(filters.q)
    page.object_list = [
        Result(thread=p.thread, post=p, snippet=snippet(p.body_html, words)) for p in _load(list(page.object_list))
    ]
    return Found(page, some_words=some_words)


def _similar_hits(words, *, staff: bool, exclude: int | None, limit: int) -> list[int]:
    """The ids of the posts opening the threads most like these words, asked of the index (the
    query is built only then: building it cost more than the rest of a cached answer)."""
    sq = query_parser.any_of(words)
    if sq is None:
        return []
    sqs = SearchQuerySet().filter(sq).filter(is_thread=True)
    if not staff:
        # A narrowing query, which the backend turns into a cached set to leave out.
        sqs = sqs.narrow("NOT staff_only:true")
    return [int(hit.pk) for hit in sqs[: limit * 3] if int(hit.thread_id) != exclude]


def related_threads(viewer, thread) -> list[Thread]:
    """Beside a thread, those like it (forum.hooks asks for them)."""
    return similar_threads(viewer, thread.title, exclude=thread.pk)


def similar_threads(viewer, title: str, *, exclude: int | None = None, limit: int = 5) -> list[Thread]:
    """Threads whose words are like this title's: suggestions while writing, related threads beside one."""
    words = [w for w in query_parser.positive_words(title) if len(w) > 2]
    if not words:
        return []
    staff = roles.sees_staff_areas(viewer)
    key = "similar:" + hashlib.sha256(f"{staff}:{exclude}:{limit}:{' '.join(words)}".encode()).hexdigest()
    hit_ids = cache.get(key)
    if hit_ids is None:
        hit_ids = _similar_hits(words, staff=staff, exclude=exclude, limit=limit)
        # Which threads are alike changes slowly; whether the reader may see them is checked below, every time.
        cache.set(key, hit_ids, SIMILAR_TIMEOUT)
    if not hit_ids:
        return []
    accesses = set(readable_accesses(viewer))
    hits = {thread.hit: thread for thread in _HIT_THREADS.objects(posts=hit_ids)}
    threads = {}
    for thread in (hits[pk] for pk in hit_ids if pk in hits):
        if _readable(thread.hit_visibility, thread.visibility, thread.access, accesses):
            threads.setdefault(thread.pk, thread)
    return list(threads.values())[:limit]
