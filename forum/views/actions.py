"""One-click actions on posts and threads: vote, accept, endorse, follow.

Each is a POST that calls one service and returns to the control that was used
(its id as the address's fragment: the browser scrolls to it, Tab goes on from it,
and static/js/keyboard.js puts the focus back on it); the page script may send the
same form with fetch() and gets the new state as JSON.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from forum import selectors, services
from forum.models import Post
from web.redirects import done


def _post(post_id) -> Post:
    return get_object_or_404(Post.objects.select_related("thread", "thread__category"), pk=post_id)


def _at_control(request, post: Post, control: str) -> str:
    """The post's page, at the button `control` (templates/forum/_post.html names it post-<pk>-<control>)."""
    page = selectors.page_of_post(post, request.user)
    suffix = f"?page={page}" if page > 1 else ""
    return f"{post.thread.get_absolute_url()}{suffix}#post-{post.pk}-{control}"


@login_required
@require_POST
def vote(request, post_id):
    post = _post(post_id)
    action = request.POST.get("action", "cast")
    if action == "cast":
        services.cast_vote(post=post, voter=request.user)
    elif action == "retract":
        services.retract_vote(post=post, voter=request.user)
    else:
        return HttpResponseBadRequest("action must be cast or retract")
    post.refresh_from_db(fields=["score"])
    return done(request, _at_control(request, post, "vote"), score=post.score, voted=action == "cast")


@login_required
@require_POST
def accept(request, post_id):
    post = _post(post_id)
    action = request.POST.get("action", "accept")
    if action == "accept":
        services.accept_answer(post=post, by=request.user)
    elif action == "clear":
        services.clear_answer(thread=post.thread, by=request.user)
    else:
        return HttpResponseBadRequest("action must be accept or clear")
    return done(request, _at_control(request, post, "accept"), accepted=action == "accept")


@login_required
@require_POST
def endorse(request, post_id):
    post = _post(post_id)
    action = request.POST.get("action", "endorse")
    if action == "endorse":
        services.endorse_reply(post=post, by=request.user)
    elif action == "withdraw":
        services.withdraw_endorsement(post=post, by=request.user)
    else:
        return HttpResponseBadRequest("action must be endorse or withdraw")
    return done(request, _at_control(request, post, "endorse"), endorsed=action == "endorse")


FOLLOW_ACTIONS = {
    "follow": services.follow_thread,
    "mute": services.mute_thread,
    "unfollow": services.unfollow_thread,
}


@login_required
@require_POST
def follow(request, slug, thread_id):
    thread = selectors.thread_for(request.user, thread_id)
    action = FOLLOW_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        return HttpResponseBadRequest("action must be follow, mute or unfollow")
    action(thread=thread, member=request.user)
    return done(request, f"{thread.get_absolute_url()}#follow", level=request.POST["action"])
