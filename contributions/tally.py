"""The rows' write side: what posts add to them, applied with a sign, and the rebuild from the posts.

Every function here runs inside the caller's transaction (a forum service's,
through contributions/receivers.py, or the rebuild's own). Rows are changed by
adding to them in one INSERT ... ON CONFLICT DO UPDATE statement, so two
transactions adding to the same row never lose either change.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from contributions.models import CategoryTotals, DailyPosts, TagTotals
from forum import selectors
from forum.models import Post, Thread, Visibility
from web.prepared import Prepared

BATCH = 500  # rows per statement: well under any database's limit on parameters

DAY_KEY, DAY_VALUES = ("member_id", "category_id", "day"), ("posts",)
TOTALS_KEY, TOTALS_VALUES = ("member_id", "category_id"), ("threads", "replies", "accepted", "endorsed", "votes")
TAG_KEY, TAG_VALUES = ("member_id", "category_id", "tag_id"), ("posts", "accepted", "score")


def counted_posts() -> QuerySet[Post]:
    """The posts a profile counts, before the viewer's access: visible, in a visible thread."""
    return Post.objects.filter(visibility=Visibility.VISIBLE, thread__visibility=Visibility.VISIBLE)


def _day():
    """A post's day in the site's time zone (never the request's), so that a row's day is fixed."""
    return TruncDate("created_at", tzinfo=timezone.get_default_timezone())


def _totals() -> dict:
    """What CategoryTotals sums, as aggregates over posts, in TOTALS_VALUES' order."""
    return {
        "threads": Count("pk", filter=Q(is_opening=True)),
        "replies": Count("pk", filter=Q(is_opening=False)),
        "accepted": Count("pk", filter=Q(accepted_in__isnull=False)),
        "endorsed": Count("pk", filter=Q(endorsed_by__isnull=False)),
        "votes": Coalesce(Sum("score"), 0),
    }


# The truth, as queries over posts: each selects its model's key, then its values.


def _days_of(posts: QuerySet[Post]) -> QuerySet:
    by_day = posts.annotate(day=_day()).values_list("author", "thread__category", "day")
    return by_day.annotate(posts=Count("pk")).order_by()


def _totals_of(posts: QuerySet[Post]) -> QuerySet:
    return posts.values_list("author", "thread__category").annotate(**_totals()).order_by()


def _tags_of(posts: QuerySet[Post]) -> QuerySet:
    tagged = posts.filter(thread__tags__isnull=False).values_list("author", "thread__category", "thread__tags")
    totals = _totals()
    return tagged.annotate(posts=Count("pk"), accepted=totals["accepted"], score=totals["votes"]).order_by()


REBUILT = (
    (DailyPosts, DAY_KEY + DAY_VALUES, _days_of),
    (CategoryTotals, TOTALS_KEY + TOTALS_VALUES, _totals_of),
    (TagTotals, TAG_KEY + TAG_VALUES, _tags_of),
)


@transaction.atomic
def rebuild(members=None):
    """Recompute the rows from the posts: everyone's, or only those of `members` (Members or ids).

    A few set-based statements (a DELETE and an INSERT ... SELECT per table), whatever the number
    of posts: for existing sites after the upgrade, after a bulk import, and for the demo seeder.
    On PostgreSQL, a post that needs a new row (a member's first of the day, say), written while
    it runs, can make it stop on a duplicate key (nothing changes; run it again): run it when the
    site is quiet. Changes to existing rows wait for it, then add to what it wrote. SQLite runs
    one writer at a time.
    """
    posts = counted_posts()
    ids = None if members is None else [getattr(member, "pk", member) for member in members]
    if ids is not None:
        posts = posts.filter(author__in=ids)
    for model, columns, query in REBUILT:
        (model.objects.all() if ids is None else model.objects.filter(member__in=ids)).delete()
        _insert_from(model, columns, query(posts))


def _insert_from(model, columns, queryset):
    """INSERT ... SELECT, which the ORM cannot express: the SELECT is the ORM's own compiled query,
    and only identifiers from the model's metadata, quoted by the backend, are added to it."""
    sql, params = queryset.query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)


# Changes, as they happen ---------------------------------------------------------------------


def _add(model, key: tuple, values: tuple, rows: list[tuple]):
    """Add each row's values to the stored row with the same key, created at zero when missing.

    The ORM's upsert (bulk_create(update_conflicts=True)) can only overwrite, not add; this is
    the same statement with `column = column + excluded.column`, which SQLite and PostgreSQL share.
    Only identifiers from the model's metadata, quoted by the backend, go into the text.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = [connection.ops.quote_name(column) for column in key + values]
    names, conflict = ", ".join(quoted), ", ".join(quoted[: len(key)])
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in quoted[len(key) :])
    one = "(" + ", ".join(["%s"] * len(quoted)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            placeholders = ", ".join([one] * len(batch))
            insert = f"INSERT INTO {table} ({names}) VALUES {placeholders}"  # noqa: S608 (identifiers, see above)
            sql = f"{insert} ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
            cursor.execute(sql, [value for row in batch for value in row])


# A thread's tags, read in every posting transaction: its SQL compiled once (web/prepared.py).
_TAG_IDS = Prepared(lambda thread: selectors.thread_tags(thread).values_list("pk"))


def _tag_ids(thread: Thread) -> list[int]:
    return [pk for (pk,) in _TAG_IDS.rows(thread=thread.pk)]


def bump(post: Post, thread: Thread, *, accepted: int = 0, endorsed: int = 0, votes: int = 0):
    """A counted post was accepted, endorsed or voted on (or one of them was undone)."""
    key = (post.author_id, thread.category_id)
    _add(CategoryTotals, TOTALS_KEY, ("accepted", "endorsed", "votes"), [(*key, accepted, endorsed, votes)])
    if accepted or votes:
        rows = [(*key, tag, accepted, votes) for tag in _tag_ids(thread)]
        _add(TagTotals, TAG_KEY, ("accepted", "score"), rows)


@dataclass
class Share:
    """What some posts of one thread add to the rows, per author (and per day), before its category."""

    days: list[tuple]  # (author, day, posts)
    totals: list[tuple]  # (author, threads, replies, accepted, endorsed, votes)


def share_of(posts: QuerySet[Post]) -> Share:
    """`posts` must all belong to one thread (the caller's), and be the ones that count or counted."""
    return Share(
        days=[(author, day, n) for author, _, day, n in _days_of(posts)],
        totals=[(author, *values) for author, _, *values in _totals_of(posts)],
    )


def share_of_post(post: Post, thread: Thread) -> Share:
    """One post's share, as _days_of and _totals_of count it, from the post and its thread as loaded
    (under the service's lock): two queries fewer in every posting transaction."""
    day = timezone.localtime(post.created_at, timezone.get_default_timezone()).date()
    accepted, endorsed = thread.accepted_answer_id == post.pk, post.endorsed_by_id is not None
    values = (int(post.is_opening), int(not post.is_opening), int(accepted), int(endorsed), post.score)
    return Share(days=[(post.author_id, day, 1)], totals=[(post.author_id, *values)])


def apply(share: Share, *, category_id: int, tag_ids, sign: int, tags_only: bool = False):
    """Add (sign=1) or take away (sign=-1) a thread's share, as counted in `category_id` under `tag_ids`."""
    if not tags_only:
        days = [(author, category_id, day, sign * n) for author, day, n in share.days]
        _add(DailyPosts, DAY_KEY, DAY_VALUES, days)
        totals = [(author, category_id, *(sign * n for n in values)) for author, *values in share.totals]
        _add(CategoryTotals, TOTALS_KEY, TOTALS_VALUES, totals)
    tags = [
        (author, category_id, tag, sign * (threads + replies), sign * accepted, sign * votes)
        for author, threads, replies, accepted, _, votes in share.totals
        for tag in tag_ids
    ]
    _add(TagTotals, TAG_KEY, TAG_VALUES, tags)


def add_post(post: Post, thread: Thread, *, sign: int):
    """A post started or stopped counting (posted, hidden, restored): add or take away its share."""
    apply(share_of_post(post, thread), category_id=thread.category_id, tag_ids=_tag_ids(thread), sign=sign)


def add_thread(thread: Thread, posts: QuerySet[Post], *, sign: int):
    """A thread was hidden or restored: add or take away the share of `posts`, its posts that count(ed)."""
    apply(share_of(posts), category_id=thread.category_id, tag_ids=_tag_ids(thread), sign=sign)


def move_thread(thread: Thread, *, from_category_id: int):
    """A visible thread moved: its counted posts' share leaves the old category for the new one."""
    share = share_of(counted_posts().filter(thread=thread))
    tags = _tag_ids(thread)
    apply(share, category_id=from_category_id, tag_ids=tags, sign=-1)
    apply(share, category_id=thread.category_id, tag_ids=tags, sign=+1)


def retag_thread(thread: Thread, *, old_tag_ids: set[int]):
    """A visible thread's tags changed: its counted posts leave the removed tags and join the added ones."""
    new_tag_ids = set(_tag_ids(thread))
    removed, added = sorted(old_tag_ids - new_tag_ids), sorted(new_tag_ids - old_tag_ids)
    if not (removed or added):
        return
    share = share_of(counted_posts().filter(thread=thread))
    apply(share, category_id=thread.category_id, tag_ids=removed, sign=-1, tags_only=True)
    apply(share, category_id=thread.category_id, tag_ids=added, sign=+1, tags_only=True)
