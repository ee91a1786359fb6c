"""Reports of what was read, the first unread reply of a thread, and "mark all as read"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from forum import permissions
from forum import selectors as forum_selectors
from forum.models import Post
from reading import selectors, services
from reading.tracker import tracker


@require_POST
def seen(request):
    """A page reports the last post its member read (static/js/reading.js): kept, written a few
    seconds later (reading.tracker). 204; 400 for a malformed report; 404 for a post the member
    may not read; a visitor's report is refused and writes nothing."""
    if not request.user.is_authenticated:
        return HttpResponse(_("Log in to keep track of what you read."), status=403, content_type="text/plain")
    try:
        thread_pk, post_pk = int(request.POST["thread"]), int(request.POST["post"])
    except (KeyError, ValueError):
        return HttpResponse(_("Say which thread and post were read."), status=400, content_type="text/plain")
    post = Post.objects.select_related("thread__category").filter(pk=post_pk, thread_id=thread_pk).first()
    if post is None or not permissions.can_read_thread(request.user, post.thread):
        raise Http404
    if not permissions.can_see_post_body(request.user, post):
        raise Http404
    tracker.record(member_pk=request.user.pk, thread_pk=thread_pk, post_pk=post_pk)
    return HttpResponse(status=204)


@require_GET
def first_unread(request, slug, thread_id):
    """Where a member left off: the first reply after the last they read (the thread's start when
    they never read it, or when nothing is unread)."""
    thread = forum_selectors.thread_for(request.user, thread_id)
    post = selectors.first_unread(request.user, thread) if request.user.is_authenticated else None
    if post is None:
        return redirect(thread.get_absolute_url())
    return redirect(forum_selectors.post_address(post, request.user))


@require_POST
@login_required
def mark_category_read(request, slug):
    category = forum_selectors.category_for(request.user, slug)
    services.mark_category_read(member=request.user, category=category)
    messages.success(request, _("Every thread in %(category)s is marked as read.") % {"category": category.local_name})
    return redirect(category.get_absolute_url())
