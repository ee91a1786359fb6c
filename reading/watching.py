"""Watching a category or a tag: a notification for each new thread (watching), its new and
unread counts on the home page (tracking, and watching too), or its threads out of the latest
list (muted).

Every member's home page asks which categories and tags they muted and track, so a member's
watches are kept in the cache (`summary`), read again from the database only after a change
or an eviction. So are the counts of what they track (`tracked_counts`): counting a category's
threads costs milliseconds, and a member comes back to the home page between reads. The counts
are kept with what they were counted from (the content's generation, the member's access and
language, their watches) and forgotten when the member's read states change.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import get_language
from taggit.models import Tag

from forum import permissions
from forum import selectors as forum_selectors
from forum.models import Category
from reading import selectors
from reading.models import Watch
from web import pagecache

Level = Watch.Level
NORMAL = "normal"
LEVELS = (NORMAL, *Level.values)


# Counts older than this are counted again even if nothing they depend on changed: a thread
# stops being new READING_NEW_DAYS after it started, with no write to say so.
TRACKED_SECONDS = 300


def _key(member_pk: int) -> str:
    return f"reading:watches:{member_pk}"


def _tracked_key(member_pk: int) -> str:
    return f"reading:tracked:{member_pk}"


def summary(member) -> dict:
    """{"categories": {pk: level}, "tags": {pk: (slug, level)}} of the member's watches."""
    found = cache.get(_key(member.pk))
    if found is None:
        found = {"categories": {}, "tags": {}}
        rows = Watch.objects.filter(member=member).values_list("category_id", "tag_id", "tag__slug", "level")
        for category_pk, tag_pk, slug, level in rows:
            if category_pk is not None:
                found["categories"][category_pk] = level
            else:
                found["tags"][tag_pk] = (slug, level)
        cache.set(_key(member.pk), found, 24 * 3600)
    return found


def level_of(member, *, category_pk: int | None = None, tag_slug: str | None = None) -> str:
    watches = summary(member)
    if category_pk is not None:
        return watches["categories"].get(category_pk, NORMAL)
    return next((level for slug, level in watches["tags"].values() if slug == tag_slug), NORMAL)


def set_watch(*, member, level: str, category: Category | None = None, tag: Tag | None = None):
    """The member's level for the category or the tag (NORMAL: as everyone). The caller checked
    that the member may read the category, or that the tag is on a thread they may read."""
    if level not in LEVELS:
        raise ValueError(level)
    target = {"category": category} if category is not None else {"tag": tag}
    with transaction.atomic():
        if level == NORMAL:
            Watch.objects.filter(member=member, **target).delete()
        else:
            Watch.objects.update_or_create(member=member, **target, defaults={"level": level})
        transaction.on_commit(lambda: cache.delete(_key(member.pk)))
    cache.delete(_key(member.pk))


def muted(member) -> dict:
    """{"categories": [pk, ...], "tags": {pk: slug}} that the member muted."""
    watches = summary(member)
    return {
        "categories": [pk for pk, level in watches["categories"].items() if level == Level.MUTED],
        "tags": {pk: slug for pk, (slug, level) in watches["tags"].items() if level == Level.MUTED},
    }


def muted_q(member) -> Q | None:
    """The threads of the member's muted categories and tags (forum.hooks.provide_latest_exclusion)."""
    found = muted(member)
    if not found["categories"] and not found["tags"]:
        return None
    return Q(category_id__in=found["categories"]) | Q(tags__in=list(found["tags"]))


def watchers(thread) -> dict:
    """Who is told of this new thread (forum.hooks.provide_new_thread_audience): the members who
    watch its category or one of its tags, less those who muted the category or one of its tags."""
    tags = Tag.objects.filter(taggit_taggeditem_items__object_id=thread.pk).values("pk")
    on_thread = Q(category_id=thread.category_id) | Q(tag__in=tags)
    muted = Watch.objects.filter(on_thread, level=Level.MUTED).values("member")
    watching = Watch.objects.filter(on_thread, level=Level.WATCHING).exclude(member__in=muted)
    return {"watched": watching.values("member")}


def tracked_counts(member) -> list[dict]:
    """For each category and tag the member tracks or watches: its new and unread threads among
    those the member may read; nothing at all for a member who tracks nothing (most members, on
    every home page they open). Counted again only when the content, the member's access, language
    or watches changed, or their read states (`forget_tracked`)."""
    watches = summary(member)
    followed = (Level.TRACKING, Level.WATCHING)
    categories = sorted(pk for pk, level in watches["categories"].items() if level in followed)
    tags = {pk: slug for pk, (slug, level) in sorted(watches["tags"].items()) if level in followed}
    if not categories and not tags:
        return []
    stamp = (pagecache.generation(), get_language(), tuple(permissions.readable_accesses(member)), categories, tags)
    kept = cache.get(_tracked_key(member.pk))
    if kept is not None and kept[0] == stamp:
        return kept[1]
    found = _count_tracked(member, categories, tags)
    cache.set(_tracked_key(member.pk), (stamp, found), TRACKED_SECONDS)
    return found


def forget_tracked(member_pks):
    """These members' read states changed: their tracked counts are counted again."""
    cache.delete_many([_tracked_key(pk) for pk in member_pks])


def _count_tracked(member, categories: list[int], tags: dict[int, str]) -> list[dict]:
    """One query for the categories and one for the tags."""
    readable = forum_selectors.visible_threads(member)
    counts = {
        "new": Count("pk", filter=selectors.new_q(member), distinct=True),
        "unread": Count("pk", filter=selectors.unread_q(member), distinct=True),
    }
    found = []
    if categories:
        rows = (
            readable.filter(category_id__in=categories)
            .values("category_id", "category__name", "category__name_fr", "category__slug")
            .annotate(**counts)
            .order_by("category__position", "category__name")
        )
        french = (get_language() or "").startswith("fr")
        found += [
            {
                "label": (row["category__name_fr"] if french else "") or row["category__name"],
                "url": reverse("forum:category", args=[row["category__slug"]]),
                "new": row["new"],
                "unread": row["unread"],
            }
            for row in rows
        ]
    if tags:
        rows = readable.filter(tags__in=list(tags)).values("tags__pk").annotate(**counts).order_by("tags__name")
        found += [
            {
                "label": f"#{tags[row['tags__pk']]}",
                "url": reverse("forum:tag", args=[tags[row["tags__pk"]]]),
                "new": row["new"],
                "unread": row["unread"],
            }
            for row in rows
        ]
    return [entry for entry in found if entry["new"] or entry["unread"]]
