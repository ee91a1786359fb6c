"""What the API reads, fetched in one place: each function takes the viewer (a token's member,
or a visitor) and returns only what that viewer may read, as the site's pages would.

The rules are the site's own: forum.selectors and forum.permissions for categories, threads
and posts, ideas.selectors for ideas, search.selectors for search.
"""

from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404

from api import cursors
from forum import permissions
from forum import selectors as forum_selectors
from forum.models import Category, Post, Thread, Visibility
from ideas import selectors as idea_selectors
from ideas.models import Idea
from profiles.models import Member
from web.prepared import Prepared

# Newest activity first, as a category's page lists them (pinned threads are not lifted: a
# cursor walks one order); or newest threads first.
THREAD_ORDERS = {
    "activity": cursors.Order(("-last_activity_at", "-id"), (datetime, int)),
    "created": cursors.Order(("-created_at", "-id"), (datetime, int)),
}
POST_ORDER = cursors.Order(("created_at", "id"), (datetime, int))
IDEA_ORDERS = {
    "newest": cursors.Order(("-thread_id",), (int,)),
    "top": cursors.Order(("-votes", "-thread_id"), (int, int)),
}
# What the API shows of a member (api.schemas.member_out): an author card's fields, and the
# roles (profiles.roles.role_names) read from them.
MEMBER_FIELDS = (*Member.CARD_FIELDS, "is_superuser")
_CARD = [f"{who}__{name}" for who in ("author", "endorsed_by") for name in MEMBER_FIELDS]


def categories(viewer) -> list[Category]:
    return list(forum_selectors.readable_categories(viewer))


def category(viewer, slug: str) -> Category:
    return forum_selectors.category_for(viewer, slug)


def category_threads(category: Category, *, order: str, cursor: str | None, limit: int) -> cursors.CursorPage:
    """A page of a readable category's visible threads, with their authors and tags."""
    threads = Thread.objects.filter(category=category, visibility=Visibility.VISIBLE).select_related("author")
    found = cursors.page(threads, THREAD_ORDERS[order], cursor=cursor, limit=limit)
    _with_tags(found.items)
    for thread in found.items:
        thread.category = category
    return found


def _with_tags(threads: list[Thread]):
    prefetch_related_objects(threads, Prefetch("tags", to_attr="tag_list"))


def thread(viewer, thread_id: int) -> Thread:
    """The thread with its category, author and tags, or 404 for a viewer who may not read it."""
    return forum_selectors.thread_for(viewer, thread_id)


def thread_posts(thread: Thread, viewer, *, cursor: str | None, limit: int) -> cursors.CursorPage:
    """A page of the thread's posts in order, those the viewer may read (hidden ones to their
    author and moderators, deleted ones to moderators), with their authors' cards."""
    reading = permissions.post_reading(viewer)
    arguments = {"thread": thread.pk}
    if reading == permissions.OWN_HIDDEN_POSTS:
        arguments["author"] = viewer.pk  # the one reading that depends on who reads

    def read(after: list | None, count: int) -> list[Post]:
        keys = {"created": after[0], "pk": after[1]} if after else {}
        return _THREAD_POSTS[reading].objects(window=(0, count), **arguments, **keys)

    return cursors.page_of(read, POST_ORDER, cursor=cursor, limit=limit)


def _thread_posts(reading: str, thread: int, author=None, created=None, pk=None) -> QuerySet[Post]:
    """The posts a reading reads of a thread in order, from the first or after a cursor's keys."""
    posts = _posts(permissions.posts_read_q(reading, author)).filter(thread_id=thread)
    if created is not None:
        posts = posts.filter(POST_ORDER.after([created, pk]))
    return posts.order_by(*POST_ORDER.fields)


# A page of a thread's posts for each reading of them, its SQL compiled once (web/prepared.py):
# building and compiling it through the ORM cost more than half of a thread's answer.
_THREAD_POSTS = {
    reading: Prepared(lambda reading=reading, **arguments: _thread_posts(reading, **arguments))
    for reading in permissions.POST_READINGS
}


def hidden_post_authors(thread: Thread) -> set[int]:
    """Who wrote the thread's hidden posts: each reads theirs, where other members do not."""
    hidden = Post.objects.filter(thread_id=thread.pk, visibility=Visibility.HIDDEN)
    return set(hidden.values_list("author_id", flat=True))


def _posts(readable: Q) -> QuerySet[Post]:
    posts = Post.objects.filter(readable).select_related("author", "endorsed_by")
    return posts.only(*(field.name for field in Post._meta.concrete_fields), *_CARD)


def post(viewer, post_id: int) -> Post:
    """One post the viewer may read, in a thread they may read, or 404."""
    found = _posts(permissions.readable_posts_q(viewer)).select_related("thread__category").filter(pk=post_id).first()
    if found is None:
        raise Http404
    permissions.check_can_read_thread(viewer, found.thread)
    return found


def member(username: str) -> Member:
    """An active member by their exact username, or 404 (a closed account has no public fields)."""
    found = Member.objects.filter(username=username, is_active=True).only(*MEMBER_FIELDS).first()
    if found is None:
        raise Http404
    return found


def ideas(viewer, *, status: str, category: str, sort: str, cursor: str | None, limit: int) -> cursors.CursorPage:
    """A page of the ideas of the readable ideas categories (one of them, by slug), by status."""
    categories = idea_selectors.idea_categories(viewer)
    if category:
        categories = [c for c in categories if c.slug == category]
    found = idea_selectors.readable_ideas(viewer, categories)
    if status:
        found = found.filter(status=status)
    found = found.select_related("thread__category", "thread__author")
    page = cursors.page(found, IDEA_ORDERS[sort], cursor=cursor, limit=limit)
    _with_tags([idea.thread for idea in page.items])
    return page


def idea(viewer, idea_id: int) -> Idea:
    found = (
        idea_selectors.readable_ideas(viewer)
        .select_related("thread__category", "thread__author")
        .filter(pk=idea_id)
        .first()
    )
    if found is None:
        raise Http404
    _with_tags([found.thread])
    return found
