"""Voting for an idea, brand staff setting its status, and merging a duplicate into another idea
(the forms on an idea's page).

The vote is a one-click form: without JavaScript it returns to the button on the idea's page;
static/js/ideas.js sends the same form with fetch() and gets the new count as JSON.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forum import selectors
from ideas import permissions, services
from ideas.forms import MergeForm, StatusForm
from ideas.models import Idea
from web.redirects import done


@login_required
@require_POST
def vote(request, thread_id):
    thread = selectors.thread_for(request.user, thread_id)
    action = request.POST.get("action", "vote")
    if action == "vote":
        services.vote_for_idea(thread=thread, member=request.user)
    elif action == "withdraw":
        services.withdraw_idea_vote(thread=thread, member=request.user)
    else:
        return HttpResponseBadRequest(_("Say whether you vote or take your vote back."))
    votes = Idea.objects.filter(thread=thread).values_list("votes", flat=True).first() or 0
    return done(request, f"{thread.get_absolute_url()}#idea-vote", votes=votes, voted=action == "vote")


@login_required
def status(request, thread_id):
    """The status form (on the idea's page for staff, and here when it needs correcting)."""
    thread = selectors.thread_for(request.user, thread_id)
    permissions.check_is_idea(thread)
    idea = services.idea_as_is(thread)  # a page read writes nothing; set_idea_status makes the row
    permissions.check_can_set_status(request.user, idea)
    form = StatusForm(request.POST or None, initial={"status": idea.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_idea_status(thread=thread, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The idea's status is set, and your note is posted."))
            return redirect(f"{thread.get_absolute_url()}#idea")
    status_code = 400 if request.method == "POST" else 200
    return render(request, "ideas/status.html", {"thread": thread, "idea": idea, "form": form}, status=status_code)


@login_required
@require_POST
def merge(request, thread_id):
    """Merge this idea into another, in two steps: the form on the idea's page names the other,
    this page shows both with their votes, and its button (confirm=1) merges."""
    thread = selectors.thread_for(request.user, thread_id)
    idea = services.idea_for(thread)
    form = MergeForm(request.POST, viewer=request.user)
    context = {"thread": thread, "idea": idea, "form": form}
    try:
        permissions.check_can_merge(request.user, idea)
        if form.is_valid():
            into = form.cleaned_data["into"]
            if request.POST.get("confirm") == "1":
                services.merge_idea(duplicate=thread, into=into, by=request.user)
                messages.success(
                    request, _("The ideas are merged: the votes and followers of the duplicate are here now.")
                )
                return redirect(f"{into.get_absolute_url()}#idea")
            target = services.idea_as_is(into)
            permissions.check_can_merge(request.user, idea, target)
            return render(request, "ideas/merge.html", {**context, "target": target})
    except ValidationError as error:
        form.add_error(None, error)
    return render(request, "ideas/merge.html", context, status=400)
