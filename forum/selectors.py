"""What the forum's pages show, fetched in one place so templates never query.

Each function takes the viewer (possibly anonymous) and returns only what
that viewer may read.
"""

from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import BigIntegerField, CharField, Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.http import Http404
from taggit.models import Tag

from forum import hooks, permissions
from forum.models import Category, Follow, Post, Thread, Visibility, Vote
from profiles import roles
from profiles.models import Member
from web.prepared import Prepared, PreparedList

THREAD_FILTERS = ("latest", "unanswered", "solved", "awaiting", "top")


def readable_categories(viewer) -> QuerySet[Category]:
    return Category.objects.filter(access__in=permissions.readable_accesses(viewer))


def category_for(viewer, slug: str) -> Category:
    try:
        return readable_categories(viewer).get(slug=slug)
    except Category.DoesNotExist:
        raise Http404 from None


def with_tags(queryset: QuerySet[Thread]) -> QuerySet[Thread]:
    """Threads with their tags as a list, `thread.tag_list`, in one more query.

    Not `prefetch_related("tags")`: for that, taggit builds a queryset for each thread
    (about a millisecond each), which made the tags most of a list page's cost.
    """
    return queryset.prefetch_related(Prefetch("tags", to_attr="tag_list"))


def _thread_list(queryset: QuerySet[Thread]) -> QuerySet[Thread]:
    return with_tags(queryset.select_related("category", "author", "last_poster"))


def visible_threads(viewer) -> QuerySet[Thread]:
    return Thread.objects.filter(
        visibility=Visibility.VISIBLE, category__access__in=permissions.readable_accesses(viewer)
    )


def paginate(queryset, page_number, per_page) -> Page:
    """A page of the list; an out-of-range or malformed page number gives the nearest real page."""
    return Paginator(queryset, per_page).get_page(page_number)


@dataclass
class HomePage:
    categories: list[Category]
    threads: Page


def home_page(viewer, page_number=1, *, only=None, leave_out=()) -> HomePage:
    """`only(viewer, threads) -> threads`: a member's own filter (forum.hooks.thread_filter);
    `leave_out`: Qs of threads the member asked not to see here (forum.hooks.latest_exclusions)."""
    categories = list(readable_categories(viewer))
    threads = visible_threads(viewer)
    for q in leave_out:
        threads = threads.exclude(q)
    if only is not None:
        threads = only(viewer, threads)
    threads = _thread_list(threads.order_by("-last_activity_at", "-id"))
    return HomePage(categories=categories, threads=paginate(threads, page_number, settings.THREADS_PER_PAGE))


def category_threads(category: Category, viewer, *, filter: str = "latest", page_number=1, only=None) -> Page:
    threads = Thread.objects.filter(category=category, visibility=Visibility.VISIBLE)
    if only is not None:
        threads = only(viewer, threads).order_by("-last_activity_at", "-id")
    elif filter == "unanswered":
        threads = unanswered(threads).order_by("-created_at", "-id")
    elif filter == "solved":
        threads = threads.filter(accepted_answer__isnull=False).order_by("-last_activity_at", "-id")
    elif filter == "awaiting":
        threads = awaiting_official_response(threads).order_by("created_at", "id")
    elif filter == "top":
        threads = threads.order_by("-score", "-last_activity_at", "-id")
    else:
        threads = threads.order_by("-is_pinned", "-last_activity_at", "-id")
    return paginate(_thread_list(threads), page_number, settings.THREADS_PER_PAGE)


def answers() -> QuerySet[Post]:
    """Visible replies to the outer thread (``OuterRef("pk")``) by someone other than its author:
    what makes a question answered, for an ``Exists`` or a ``Subquery`` over threads.

    The columns read are those of the ``post_thread_answers`` index, so the check is answered
    from the index alone, whatever the thread's length. A reply moderators hid answers nobody.
    """
    return Post.objects.filter(thread=OuterRef("pk"), is_opening=False, visibility=Visibility.VISIBLE).exclude(
        author=OuterRef("author")
    )


def unanswered_q() -> Q:
    """What makes a question unanswered, for a filter or a filtered count (see unanswered())."""
    q = Q(~Exists(answers()))
    for statement in hooks.statements():
        q &= ~statement
    return q


def unanswered(threads: QuerySet[Thread]) -> QuerySet[Thread]:
    """Questions nobody but their author has replied to yet: no visible reply by anyone else (the
    asker's own follow-up, "still broken, anyone?", answers nothing). A thread an app above
    says is a statement (forum.hooks.provide_statement: an incident's, whose updates its
    declarer posts) is no question, and never unanswered.

    The one definition of an unanswered question: the category page's "Unanswered" filter,
    /answer/ (answering.selectors), the invitations to answer (answering.rounds) and the staff
    figures' count of unanswered questions (staff.figures.aggregates, through unanswered_q()).
    """
    return threads.filter(unanswered_q())


def awaiting_official_response(threads: QuerySet[Thread] | None = None) -> QuerySet[Thread]:
    """Questions that wait for the brand: no official response, not solved, not set aside by staff,
    and not asked by staff themselves (the brand does not wait for itself).

    The category filter and the staff queue both use this one definition.
    """
    threads = Thread.objects.all() if threads is None else threads
    return threads.filter(
        visibility=Visibility.VISIBLE,
        category__kind=Category.Kind.QUESTIONS,
        has_official_response=False,
        accepted_answer__isnull=True,
        no_response_needed="",
    ).exclude(roles.brand_staff_q("author__"))


def tag_threads(tag_slug: str, viewer, page_number=1) -> Page:
    threads = visible_threads(viewer).filter(tags__slug=tag_slug).order_by("-last_activity_at", "-id")
    return paginate(_thread_list(threads), page_number, settings.THREADS_PER_PAGE)


# The reads of every thread page, compiled once (web/prepared.py): building and compiling their
# SQL through the ORM cost more than the database's answers.
_THREAD = Prepared(lambda thread: Thread.objects.select_related("category", "author").filter(pk=thread))


def thread_tags(thread) -> QuerySet[Tag]:
    """A thread's tags (`thread`: its id), in the order they were given; a QuerySet to prepare."""
    return Tag.objects.filter(
        taggit_taggeditem_items__object_id=thread,
        taggit_taggeditem_items__content_type__app_label=Thread._meta.app_label,
        taggit_taggeditem_items__content_type__model=Thread._meta.model_name,
    ).order_by("taggit_taggeditem_items__id")


_THREAD_TAGS = Prepared(thread_tags)


def thread_for(viewer, thread_id: int) -> Thread:
    """The thread with its category and tags (`tag_list`, in the order they were given), or 404
    for a viewer who may not read it."""
    found = _THREAD.objects(thread=thread_id)
    if not found:
        raise Http404
    thread = found[0]
    permissions.check_can_read_thread(viewer, thread)
    thread.tag_list = _THREAD_TAGS.objects(thread=thread.pk)
    return thread


def _posts(*, deleted: bool) -> QuerySet[Post]:
    posts = Post.objects.select_related("author", "endorsed_by")
    return posts if deleted else posts.exclude(visibility=Visibility.DELETED)


def _readable_posts(viewer) -> QuerySet[Post]:
    """Posts as the viewer's pages show them: a deleted one only to moderators."""
    return _posts(deleted=roles.is_moderator(viewer))


def _thread_posts(thread_id, *, deleted: bool) -> QuerySet[Post]:
    """A thread's posts in order, with their author and endorser as author cards show them
    (Member.CARD_FIELDS): a page of twenty posts otherwise reads and converts every column of
    forty accounts (their password hash, their bio), half the cost of reading the page."""
    cards = [f"{who}__{name}" for who in ("author", "endorsed_by") for name in Member.CARD_FIELDS]
    posts = _posts(deleted=deleted).only(*(field.name for field in Post._meta.concrete_fields), *cards)
    return posts.filter(thread_id=thread_id).order_by("created_at", "id")


def _posts_for(viewer, thread: Thread) -> QuerySet[Post]:
    return _thread_posts(thread.pk, deleted=roles.is_moderator(viewer))


# A thread's posts in order, with and without the deleted ones (those for moderators).
_THREAD_POSTS = {
    deleted: Prepared(lambda thread, deleted=deleted: _thread_posts(thread, deleted=deleted))
    for deleted in (False, True)
}


# A member's own state on a thread page, read on every page a member opens: the SQL of both is
# compiled once (web/prepared.py).
_VOTED = Prepared(lambda voter, posts: Vote.objects.filter(voter=voter, post_id__in=posts).values_list("post_id"))
_FOLLOW_LEVEL = Prepared(
    lambda thread, member: Follow.objects.filter(thread_id=thread, member=member).order_by().values_list("level")
)
# Both in one statement, for the thread page: (post id, "") for each vote, (None, level) for the
# follow (one per member and thread at most); and, with `authors`, (author id, FOLLOWED_AUTHOR)
# for each of the page's authors the member follows (forum.hooks.provide_author_follows).
FOLLOWED_AUTHOR = "author"


def _reader_state(member, thread, posts, authors=None):
    votes = (
        Vote.objects.filter(voter=member, post_id__in=posts)
        .order_by()
        .values_list("post_id", Value("", output_field=CharField()))
    )
    follow = (
        Follow.objects.filter(thread_id=thread, member=member)
        .order_by()
        .values_list(Value(None, output_field=BigIntegerField()), "level")
    )
    if authors is None:
        return votes.union(follow, all=True)
    followed, column = hooks.followed_authors_query(member, authors)
    authors = followed.order_by().values_list(column, Value(FOLLOWED_AUTHOR, output_field=CharField()))
    return votes.union(follow, authors, all=True)


_READER_STATE = Prepared(_reader_state)
_READER_STATE_AUTHORS = Prepared(lambda member, thread, posts, authors: _reader_state(member, thread, posts, authors))


def voted(viewer, post_ids: list[int]) -> set[int]:
    """Which of these posts the viewer marked helpful."""
    if not roles.is_member(viewer) or not post_ids:
        return set()
    return {post_id for (post_id,) in _VOTED.rows(voter=viewer.pk, posts=list(post_ids))}


def follow_level(viewer, thread_id: int) -> str | None:
    """Whether the viewer follows or muted the thread (None: neither, or a visitor)."""
    if not roles.is_member(viewer):
        return None
    rows = _FOLLOW_LEVEL.rows(thread=thread_id, member=viewer.pk)
    return rows[0][0] if rows else None


class ReaderState(NamedTuple):
    voted: set[int]
    follow_level: str | None
    followed_authors: set[int]


def reader_state(viewer, thread_id: int, post_ids: list[int], authors=()) -> ReaderState:
    """`voted(viewer, post_ids)`, `follow_level(viewer, thread_id)` and which of the `authors`
    the viewer follows, in one read: what a member's thread page fills in for them on every view."""
    if not roles.is_member(viewer):
        return ReaderState(set(), None, set())
    if not post_ids:
        return ReaderState(set(), follow_level(viewer, thread_id), set())
    arguments = {"member": viewer.pk, "thread": thread_id, "posts": list(post_ids)}
    if authors and hooks.follows_authors():
        rows = _READER_STATE_AUTHORS.rows(**arguments, authors=sorted(authors))
    else:
        rows = _READER_STATE.rows(**arguments)
    voted, level, followed = set(), None, set()
    for key, value in rows:
        if key is None:
            level = value
        elif value == FOLLOWED_AUTHOR:
            followed.add(key)
        else:
            voted.add(key)
    return ReaderState(voted, level, followed)


@dataclass
class ThreadPage:
    """A page of a thread as every reader with the viewer's rights sees it: what is the
    viewer's own (their votes, their buttons, their follow state) is filled per reader by
    the view (forum/views/threads.py), from `voted`, `attach_viewer_state` and `follow_level`."""

    thread: Thread
    page: Page
    opening: Post | None
    answer: Post | None


def thread_page(thread: Thread, viewer, page_number=1) -> ThreadPage:
    posts = _THREAD_POSTS[roles.is_moderator(viewer)]
    per_page = settings.POSTS_PER_PAGE
    page = paginate(PreparedList(posts, per_page, thread=thread.pk), page_number, per_page)
    posts = list(page.object_list)
    opening = posts[0] if posts and posts[0].is_opening else None
    if opening is None:
        opening = _posts_for(viewer, thread).filter(is_opening=True).first()
    answer = None
    if thread.accepted_answer_id:
        answer = next((p for p in posts if p.pk == thread.accepted_answer_id), None) or (
            Post.objects.select_related("author", "endorsed_by").filter(pk=thread.accepted_answer_id).first()
        )
    # The opening post and the answer head later pages, where they are not among the posts.
    shown = [*posts, *(extra for extra in (opening, answer) if extra is not None and extra not in posts)]
    attach_viewer_state(thread, viewer, shown, set())
    return ThreadPage(thread=thread, page=page, opening=opening, answer=answer)


def attach_viewer_state(thread, viewer, posts: list, voted: set[int]):
    """What the viewer may do to each post, computed once so the template only reads flags.

    Reads only the fields that forum.rendering.ActionsState and thread_state keep, so that it
    serves the posts of a shared page as well as posts fetched from the database."""
    may_accept = permissions.can_accept(viewer, thread)
    for post in posts:
        post.thread = thread
        post.viewer_voted = post.pk in voted
        post.viewer_can_vote = permissions.can_vote(viewer, post)
        post.viewer_can_edit = permissions.can_edit(viewer, post)
        post.viewer_can_accept = may_accept and permissions.can_accept_post(viewer, thread, post)
        post.viewer_can_endorse = permissions.can_endorse(viewer, post)
        post.viewer_sees_body = permissions.can_see_post_body(viewer, post)
        post.is_answer = post.pk == thread.accepted_answer_id


def post_for(viewer, post_id: int) -> Post:
    """One post as its thread's page shows it to the viewer: the same query, the same per-viewer
    state (own vote, accept, edit, endorse), so a post inserted live reads as it does on load.

    404 if the viewer may not read its thread, or may not read the post itself: a deleted post
    for anyone but moderators, a hidden one for anyone but its author and moderators (their
    page would show only the moderation note, which waits for the next load).
    """
    post = _readable_posts(viewer).select_related("thread__category").filter(pk=post_id).first()
    if post is None:
        raise Http404
    permissions.check_can_read_thread(viewer, post.thread)
    if not permissions.can_see_post_body(viewer, post):
        raise Http404
    state = reader_state(viewer, post.thread_id, [post.pk], authors=[post.author_id])
    attach_viewer_state(post.thread, viewer, [post], state.voted)
    post.viewer_follows_author = post.author_id in state.followed_authors
    return post


def page_of_post(post: Post, viewer) -> int:
    """Which page of its thread a post is on, for links to one post."""
    before = (
        _posts_for(viewer, post.thread)
        .filter(Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, id__lt=post.pk))
        .count()
    )
    return before // settings.POSTS_PER_PAGE + 1


def post_address(post: Post, viewer) -> str:
    """The address of one post: its page of the thread, at its anchor."""
    page = page_of_post(post, viewer)
    suffix = f"?page={page}" if page > 1 else ""
    return f"{post.thread.get_absolute_url()}{suffix}#post-{post.pk}"


def post_history(post: Post):
    return post.revisions.select_related("editor")


def latest_posts_in(thread: Thread, limit=20) -> QuerySet[Post]:
    return (
        Post.objects.filter(thread=thread, visibility=Visibility.VISIBLE)
        .select_related("author")
        .order_by("-created_at", "-id")[:limit]
    )
