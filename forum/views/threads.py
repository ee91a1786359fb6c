"""Reading a thread, one post, and a post's edit history."""

from django.shortcuts import get_object_or_404, redirect, render

from forum import hooks, permissions, selectors
from forum.forms import ReplyForm
from forum.models import Post
from forum.structured_data import thread_json_ld
from profiles import roles
from web.pagecache import cache_for_visitors


@cache_for_visitors
def thread(request, slug, thread_id):
    thread = selectors.thread_for(request.user, thread_id)
    if slug != thread.slug:
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(thread.get_absolute_url() + query, permanent=True)
    data = selectors.thread_page(thread, request.user, request.GET.get("page"))
    moderates = roles.is_moderator(request.user)
    return render(
        request,
        "forum/thread.html",
        {
            "thread": thread,
            "view": data,
            "posts": data.page,
            "json_ld": thread_json_ld(data, request),
            "reply_form": ReplyForm() if permissions.can_reply(request.user, thread) else None,
            "moderates": moderates,
            "staff_view": roles.sees_staff_areas(request.user),
            "related": hooks.related_threads(request.user, thread),
            "move_categories": selectors.readable_categories(request.user) if moderates else (),
        },
    )


def post(request, post_id):
    """A stable address for one post: sends the reader to its page and anchor."""
    post = get_object_or_404(Post.objects.select_related("thread", "thread__category"), pk=post_id)
    permissions.check_can_read_thread(request.user, post.thread)
    page = selectors.page_of_post(post, request.user)
    suffix = f"?page={page}" if page > 1 else ""
    return redirect(f"{post.thread.get_absolute_url()}{suffix}#post-{post.pk}")


def history(request, post_id):
    post = get_object_or_404(Post.objects.select_related("thread", "thread__category", "author"), pk=post_id)
    permissions.check_can_read_thread(request.user, post.thread)
    if not permissions.can_see_post_body(request.user, post):
        return render(request, "errors/404.html", status=404)
    return render(
        request, "forum/history.html", {"post": post, "thread": post.thread, "revisions": selectors.post_history(post)}
    )
