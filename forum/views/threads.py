"""Reading a thread, one post, and a post's edit history."""

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from forum import hooks, permissions, rendering, selectors
from forum.models import Post, Visibility
from forum.structured_data import thread_json_ld
from profiles import roles
from web import pagecache


def _fill_thread(request, fills) -> dict:
    """A member's own parts of a thread page: their buttons under each post, their follow state
    and whether they follow each author beside a post, all read in one statement."""
    if "thread" not in fills:
        return {}  # a page of the thread's errors
    viewer, thread = pagecache.member(request), fills["thread"]
    # The reader's flags go on copies: the fills are shared by every reader of the copy.
    states = [state.copy() for state in fills.get("actions", {}).values()]
    cards = fills.get("authors", {})
    authors = {card.author_pk for card in cards.values()}
    state = selectors.reader_state(viewer, thread.pk, [s.pk for s in states], authors=authors)
    selectors.attach_viewer_state(thread, viewer, states, state.voted)
    own = rendering.actions_for(
        viewer, thread, states, can_reply=permissions.can_reply(viewer, thread), moderates=roles.is_moderator(viewer)
    )
    own["follow"] = rendering.follow_form(thread, state.follow_level)
    own.update(hooks.author_follow_buttons(viewer, cards, state.followed_authors))
    own.update((f"before-post:{pk}", "") for pk in fills.get("before_post", ()))
    return {**own, **hooks.fill_thread_panels(request, fills)}


@pagecache.shared_page(fill=_fill_thread)
def thread(request, slug, thread_id):
    # The member itself, not the lazy object in front of it: the rules read it for each post.
    viewer = pagecache.member(request)
    thread = selectors.thread_for(viewer, thread_id)
    if slug != thread.slug:
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(thread.get_absolute_url() + query, permanent=True)
    data = selectors.thread_page(thread, viewer, request.GET.get("page"))
    _share(request, thread, data)
    context = _post_context(viewer, thread)
    moderates = context["moderates"]
    staff_view = roles.sees_staff_areas(viewer)
    if staff_view:
        _staff_notes(request, thread, data)
    return render(
        request,
        "forum/thread.html",
        {
            **context,
            "view": data,
            "head": rendering.thread_head(thread),
            "posts": data.page,
            # For search engines, which read as visitors; a member's page skips the work.
            "json_ld": None if viewer.is_authenticated else thread_json_ld(data, request),
            "reply_fields": rendering.reply_fields() if context["can_reply"] else "",
            "staff_view": staff_view,
            "replies_officially": roles.is_brand_staff(viewer),
            "related": rendering.related_links(hooks.related_threads(viewer, thread)),
            "panels": mark_safe(hooks.thread_panels(request, thread)),  # noqa: S308 (rendered by templates)
            "move_categories": selectors.readable_categories(viewer) if moderates else (),
        },
    )


def _staff_notes(request, thread, data):
    """Internal notes after the posts they follow, for staff and moderators: their rendering is
    theirs alone (never a copy members or visitors are given)."""
    pagecache.personal(request)
    notes = hooks.staff_notes(request, thread, list(data.page))
    for post in data.page:
        post.staff_notes = notes.get(post.pk, "")


def _share(request, thread, data):
    """What a shared copy of this page needs, and who may not have it: a hidden thread is its
    author's alone, and a hidden post's author sees its body where other members see a note."""
    if thread.visibility != Visibility.VISIBLE:
        pagecache.personal(request)
    for post in (*data.page, data.opening, data.answer):
        if post is not None and post.visibility != Visibility.VISIBLE:
            pagecache.not_for(request, post.author_id)
    if (page := getattr(request, "shared_page", None)) is not None:
        page.fills["thread"] = rendering.thread_state(thread)


def _post_context(viewer, thread) -> dict:
    """What forum/_post.html reads besides the post: the thread page and post_fragment both
    build it here, so a post fetched alone renders as it does in its page."""
    return {
        "thread": thread,
        "can_reply": permissions.can_reply(viewer, thread),
        "moderates": roles.is_moderator(viewer),
    }


@require_GET
@never_cache
def post_fragment(request, post_id):
    """One post's article, as the reader's own thread page renders it.

    A reply posted while a thread is open is pushed to all its readers as its id only, and each
    page fetches it here (static/js/live.js): one rendering cannot carry every reader's own
    buttons (their vote, accept for the asker, edit and endorse for staff, hide for moderators),
    and filling them in the browser would copy the permission rules into JavaScript.
    """
    post = selectors.post_for(request.user, post_id)
    # Only what the article reads: not the page's context processors (the header's counts),
    # since every open page of the thread fetches each new reply.
    context = {
        **_post_context(request.user, post.thread),
        "post": post,
        "user": request.user,
        "csrf_token": get_token(request),
    }
    return HttpResponse(get_template("forum/_post.html").render(context))


def post(request, post_id):
    """A stable address for one post: sends the reader to its page and anchor."""
    post = get_object_or_404(Post.objects.select_related("thread", "thread__category"), pk=post_id)
    permissions.check_can_read_thread(request.user, post.thread)
    return redirect(selectors.post_address(post, request.user))


def history(request, post_id):
    post = get_object_or_404(Post.objects.select_related("thread", "thread__category", "author"), pk=post_id)
    permissions.check_can_read_thread(request.user, post.thread)
    if not permissions.can_see_post_body(request.user, post):
        return render(request, "errors/404.html", status=404)
    return render(
        request, "forum/history.html", {"post": post, "thread": post.thread, "revisions": selectors.post_history(post)}
    )
