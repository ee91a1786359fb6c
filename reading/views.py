"""Reports of what was read, the first unread reply of a thread, and "mark all as read"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from taggit.models import Tag

from forum import hooks, permissions
from forum import selectors as forum_selectors
from forum.models import Post
from profiles.models import Member
from reading import bookmarks, feed, following, panels, selectors, services, watching
from reading.forms import BookmarkForm
from reading.tracker import tracker
from web.redirects import asks_json, done, is_same_site, safe_next


@require_POST
def seen(request):
    """A page reports the last post its member read (static/js/reading.js's beacon, or the button
    of a page read without JavaScript, which names the page to go `next`): kept, written a few
    seconds later (reading.tracker). 204 (or back to `next`); 400 for a malformed report; 404 for
    a post the member may not read; a visitor's report is refused and writes nothing."""
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
    if is_same_site(request, next_page := request.POST.get("next", "")):
        # The button of a page read without JavaScript, back on the page it came from.
        messages.success(request, _("Marked as read up to here."))
        return redirect(next_page)
    return HttpResponse(status=204)


# The most threads one request asks the marks of: a list page's rows, with room.
MARKS_MAX_THREADS = 100


@require_GET
@never_cache
def marks(request):
    """The member's marks of these threads (`?thread=<id>`, repeated) as their lists show them:
    where each link goes and its mark (New, N unread replies); with `tracked=1`, the home page's
    counts of what they track. static/js/marks.js asks when a reply comes to a thread of the
    list it shows. A thread the member may not read is left out; a visitor is refused."""
    if not request.user.is_authenticated:
        return HttpResponse(_("Log in to keep track of what you read."), status=403, content_type="text/plain")
    try:
        ids = {int(value) for value in request.GET.getlist("thread")}
    except ValueError:
        ids = set()
    if not ids or len(ids) > MARKS_MAX_THREADS or not all(0 < pk < 2**63 for pk in ids):
        return HttpResponse(_("Say which threads of the list."), status=400, content_type="text/plain")
    rows = selectors.row_states(request.user, ids)
    parts = hooks.fill_row_marks(request, rows)
    found = {pk: {"href": parts[f"row-link:{pk}"], "mark": str(parts[f"row-mark:{pk}"])} for pk in rows}
    data = {"rows": found}
    if request.GET.get("tracked"):
        data["tracked"] = panels.tracked_html(request.user)
    return JsonResponse(data)


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


@require_POST
@login_required
def watch(request):
    """Set the member's level for a category (`category=<slug>`) or a tag (`tag=<slug>`)."""
    level = request.POST.get("level", "")
    if level not in watching.LEVELS:
        return HttpResponse(_("Choose one of the levels offered."), status=400, content_type="text/plain")
    if slug := request.POST.get("category"):
        category = forum_selectors.category_for(request.user, slug)
        watching.set_watch(member=request.user, level=level, category=category)
        name, back = category.local_name, category.get_absolute_url()
    elif slug := request.POST.get("tag"):
        tag = Tag.objects.filter(slug=slug).first()
        # A tag exists for a member only through a thread they may read (as on its page).
        if tag is None or not forum_selectors.tag_threads(slug, request.user).paginator.count:
            raise Http404
        watching.set_watch(member=request.user, level=level, tag=tag)
        name, back = f"#{tag.name}", reverse("forum:tag", args=[tag.slug])
    else:
        return HttpResponse(_("Say which category or tag."), status=400, content_type="text/plain")
    messages.success(
        request, _("Saved: %(name)s is now “%(level)s” for you.") % {"name": name, "level": _level_name(level)}
    )
    return redirect(back)


def _level_name(level: str) -> str:
    return next(name for value, name, _help in panels.level_choices() if value == level)


@require_POST
@login_required
def follow_member(request, username):
    """Follow (`action=follow`) or stop following (`action=unfollow`) a member, from their profile
    or from the card beside one of their posts, which names the page to come back to (`next`);
    static/js/reading.js sends the card's form with fetch() and gets whether the member follows."""
    followed = get_object_or_404(Member, username=username, is_active=True)
    action = request.POST.get("action")
    if action == "follow":
        following.follow_member(follower=request.user, followed=followed)
        said = _("You follow %(name)s: what they post is on your Following page.") % {"name": followed.name}
    elif action == "unfollow":
        following.unfollow_member(follower=request.user, followed=followed)
        said = _("You no longer follow %(name)s.") % {"name": followed.name}
    else:
        return HttpResponse(_("Say whether to follow or to stop."), status=400, content_type="text/plain")
    if not asks_json(request):
        messages.success(request, said)
    back = safe_next(request, reverse("profiles:profile", args=[followed.username]))
    return done(request, back, following=action == "follow")


@login_required
@require_GET
def following_page(request):
    return render(
        request,
        "reading/following.html",
        {
            "activity": feed.following_feed(request.user, request.GET.get("page")),
            "followed": feed.followed_members(request.user),
        },
    )


def _target_ids(data) -> dict:
    try:
        if "post" in data:
            return {"post_pk": int(data["post"])}
        return {"thread_pk": int(data["thread"])}
    except (KeyError, ValueError):
        raise Http404 from None


@login_required
def edit_bookmark(request):
    """Keep a thread (`?thread=<id>`) or a post (`?post=<id>`), with a note and a reminder."""
    thread, post = bookmarks.target_for(request.user, **_target_ids(request.GET))
    existing = bookmarks.bookmark_of(request.user, thread, post)
    initial = {"note": existing.note, "remind_at": existing.remind_at} if existing else None
    form = BookmarkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            bookmarks.save_bookmark(member=request.user, thread=thread, post=post, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("remind_at", error)
        else:
            messages.success(request, _("Bookmarked: find it again in your bookmarks."))
            return redirect(post.get_absolute_url() if post else thread.get_absolute_url())
    status = 400 if form.errors else 200
    context = {"form": form, "thread": thread, "post": post, "existing": existing}
    return render(request, "reading/bookmark_form.html", context, status=status)


@require_POST
@login_required
def remove_bookmark(request, pk):
    if not bookmarks.remove_bookmark(member=request.user, pk=pk):
        raise Http404
    messages.success(request, _("The bookmark is removed."))
    return redirect("reading:bookmarks")


@login_required
@require_GET
def bookmarks_page(request):
    page = forum_selectors.paginate(bookmarks.bookmarks_of(request.user), request.GET.get("page"), 25)
    return render(request, "reading/bookmarks.html", {"bookmarks": page, "now": timezone.now()})
