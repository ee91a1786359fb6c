"""Expertise: what each member earned by answering, per category and per tag, kept as rows.

The rows (CategoryExpertise, TagExpertise) are a sum over the ledger, so that "who knows
#wifi, active lately" reads a few index entries instead of scanning the ledger:

- the ledger calls `record()` for every entry it writes (ledger.earn, ledger.undo), inside
  its caller's transaction: a gain adds to the rows of the post's thread (its category,
  and each of its tags in that category), a reversal takes back from them, never below 0;
- a thread retagged or moved takes its points along: `on_thread_retagged` and
  `on_thread_moved` recompute, from the ledger, the rows of the members who earned on it;
- `rebuild()` recomputes rows from the ledger (`manage.py rebuild_expertise`, the demo
  seeder, which writes its ledger in bulk).

Only answering counts (ANSWERING): an asker's credit for accepting an answer, and idea
credits, say nothing about what a member knows. Hidden posts and staff-only categories
count as they do in the ledger; readers filter (reputation.selectors.known_tags).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import DateTimeField, F, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from forum.models import Post
from reputation.models import CategoryExpertise, ReputationEntry, TagExpertise

Reason = ReputationEntry.Reason

ANSWERING = frozenset({Reason.REPLY_HELPFUL, Reason.THREAD_HELPFUL, Reason.ANSWER_ACCEPTED, Reason.REPLY_ENDORSED})

# A row's key: (member id, category id, tag id), the tag None for a CategoryExpertise row.
Key = tuple[int, int, int | None]


@dataclass(frozen=True)
class Standing:
    points: int
    last_earned_at: datetime


# As it happens: one entry at a time ------------------------------------------------------------


def record(entry: ReputationEntry):
    """Add an answering gain to the rows of its thread, or take a reversal from them.

    The caller (the ledger) holds the transaction. Rows are created at 0 when missing, then
    changed with F(), so that two transactions adding to one row never lose either change.
    """
    if entry.reason not in ANSWERING:
        return
    category_id, tag_ids = _place(entry)
    if category_id is None:
        return
    if entry.amount > 0:
        _ensure(member_id=entry.member_id, category_id=category_id, tag_ids=tag_ids, when=entry.created_at)
    rows = {"member_id": entry.member_id, "category_id": category_id}
    _add(CategoryExpertise.objects.filter(**rows), amount=entry.amount, when=entry.created_at)
    if tag_ids:
        _add(TagExpertise.objects.filter(**rows, tag__in=tag_ids), amount=entry.amount, when=entry.created_at)


def _place(entry: ReputationEntry) -> tuple[int | None, list[int]]:
    """Where the entry counts now: its post's thread's category and tags (one query). An entry
    whose post is gone counts in the category it was earned in, under no tag, as in rebuild()."""
    if entry.post_id is None:
        return entry.category_id, []
    rows = list(Post.objects.filter(pk=entry.post_id).values_list("thread__category", "thread__tags"))
    if not rows:
        return entry.category_id, []
    # In one order for every writer, so that two transactions creating rows never wait on each other crosswise.
    return rows[0][0], sorted(tag for _, tag in rows if tag is not None)


def _ensure(*, member_id: int, category_id: int, tag_ids: list[int], when: datetime):
    place = {"member_id": member_id, "category_id": category_id, "last_earned_at": when}
    CategoryExpertise.objects.bulk_create([CategoryExpertise(**place)], ignore_conflicts=True)
    if tag_ids:
        TagExpertise.objects.bulk_create([TagExpertise(**place, tag_id=tag) for tag in tag_ids], ignore_conflicts=True)


def _add(rows: QuerySet, *, amount: int, when: datetime):
    """A gain adds its points and may be the latest; a reversal takes its points back, down to 0 at most."""
    changes = {"points": Greatest(F("points") + amount, 0)}
    if amount > 0:
        changes["last_earned_at"] = Greatest(F("last_earned_at"), Value(when, output_field=DateTimeField()))
    rows.update(**changes)


# Threads that change place ---------------------------------------------------------------------


def on_thread_retagged(sender, post, old_tags=None, **kwargs):
    """forum.events.post_edited: when the edit set the thread's tags, the points earned on the
    thread leave the removed tags for the added ones (in the editing service's transaction)."""
    if old_tags is None:
        return
    thread = post.thread
    changed = {tag.pk for tag in old_tags} ^ set(thread.tags.values_list("pk", flat=True))
    earners = _earners(thread) if changed else []
    if earners:
        rebuild(members=earners, categories=[thread.category_id], tags=changed)


def on_thread_moved(sender, thread, change, before, **kwargs):
    """forum.events.thread_changed: a moved thread's points leave its old category for the new one."""
    if change != "moved":
        return
    earners = _earners(thread)
    if earners:
        rebuild(members=earners, categories=[before["category"].pk, thread.category_id])


def _earners(thread) -> list[int]:
    return list(_gains().filter(post__thread=thread).values_list("member", flat=True).distinct().order_by())


# From the ledger ---------------------------------------------------------------------------------


def _gains() -> QuerySet[ReputationEntry]:
    return ReputationEntry.objects.filter(reason__in=ANSWERING, reverses__isnull=True)


def _standing_and_recency() -> dict:
    """Points: the gains not undone. Recency: the latest gain, undone or not, as record() keeps it."""
    return {
        "points": Coalesce(Sum("amount", filter=Q(reversed_by__isnull=True)), 0),
        "last": Max("created_at"),
    }


def truth(*, members=None, categories=None, tags=None) -> dict[Key, Standing]:
    """The rows as the ledger and the threads' current tags and categories make them.

    Limited to `members`, `categories` and `tags` (ids) when given; with `tags`, only tag rows.
    """
    gains = _gains().annotate(place=Coalesce("post__thread__category", "category")).filter(place__isnull=False)
    if members is not None:
        gains = gains.filter(member__in=members)
    if categories is not None:
        gains = gains.filter(place__in=categories)
    found = {}
    if tags is None:
        by_category = gains.values_list("member", "place").annotate(**_standing_and_recency()).order_by()
        found |= {(member, category, None): Standing(points, last) for member, category, points, last in by_category}
    # One filter() on the tags, which values_list() reuses: a second one would join them twice.
    tagged = gains.filter(
        **({"post__thread__tags__isnull": False} if tags is None else {"post__thread__tags__in": tags})
    )
    by_tag = tagged.values_list("member", "place", "post__thread__tags").annotate(**_standing_and_recency())
    found |= {
        (member, category, tag): Standing(points, last) for member, category, tag, points, last in by_tag.order_by()
    }
    return found


def stored(*, members=None, categories=None, tags=None) -> dict[Key, Standing]:
    """The rows as they are, limited as truth() is."""
    per_category, per_tag = _rows(members=members, categories=categories, tags=tags)
    found = {}
    if per_category is not None:
        for member, category, points, last in per_category.values_list(
            "member", "category", "points", "last_earned_at"
        ):
            found[(member, category, None)] = Standing(points, last)
    for member, category, tag, points, last in per_tag.values_list(
        "member", "category", "tag", "points", "last_earned_at"
    ):
        found[(member, category, tag)] = Standing(points, last)
    return found


def _rows(*, members, categories, tags) -> tuple[QuerySet | None, QuerySet]:
    """The stored rows in the scope: the category rows (None with `tags`: not in it), the tag rows."""
    scope = {}
    if members is not None:
        scope["member__in"] = members
    if categories is not None:
        scope["category__in"] = categories
    if tags is not None:
        return None, TagExpertise.objects.filter(**scope, tag__in=tags)
    return CategoryExpertise.objects.filter(**scope), TagExpertise.objects.filter(**scope)


@dataclass(frozen=True)
class Difference:
    key: Key
    stored: Standing | None
    truth: Standing | None


def differences() -> list[Difference]:
    """Every row that differs from the ledger (missing, extra, other points or recency)."""
    expected, actual = truth(), stored()
    keys = sorted(expected.keys() | actual.keys(), key=lambda key: (key[0], key[1], key[2] or 0))
    return [Difference(key, actual.get(key), expected.get(key)) for key in keys if actual.get(key) != expected.get(key)]


@transaction.atomic
def rebuild(*, members=None, categories=None, tags=None):
    """Recompute the rows from the ledger: all of them, or those of `members` in `categories`
    under `tags` (ids; with `tags`, only tag rows). A gain written meanwhile by another
    transaction to a row being rebuilt can be lost from it: run the full rebuild when the
    site is quiet; a thread retagged or moved while its points change is corrected by it.
    """
    per_category, per_tag = _rows(members=members, categories=categories, tags=tags)
    if per_category is not None:
        per_category.delete()
    per_tag.delete()
    rows = truth(members=members, categories=categories, tags=tags)
    per_category = [_row(CategoryExpertise, key, standing) for key, standing in rows.items() if key[2] is None]
    per_tag = [_row(TagExpertise, key, standing) for key, standing in rows.items() if key[2] is not None]
    CategoryExpertise.objects.bulk_create(per_category, batch_size=1000)
    TagExpertise.objects.bulk_create(per_tag, batch_size=1000)


def _row(model, key: Key, standing: Standing):
    member, category, tag = key
    place = {"member_id": member, "category_id": category} | ({} if tag is None else {"tag_id": tag})
    return model(**place, points=standing.points, last_earned_at=standing.last_earned_at)
