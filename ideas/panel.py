"""An idea's status, votes and vote button at the head of its thread page (forum.hooks).

The panel is the same for every member with no role but for the vote button, which is a
slot of the shared page (web/pagecache.py), filled for each reader with their own vote.
"""

from types import SimpleNamespace

from django.template.loader import render_to_string

from ideas import permissions
from ideas.models import CHOSEN, Idea, IdeaVote, StatusChange
from web import pagecache

VOTE = "idea-vote"


def render(request, thread) -> str:
    if not thread.category.is_ideas:
        return ""
    idea = Idea.objects.filter(thread=thread).first() or Idea(thread=thread)
    idea.thread = thread
    latest = StatusChange.objects.filter(idea_id=thread.pk).select_related("note").order_by("-created_at").first()
    page = getattr(request, "shared_page", None)
    context = {
        "idea": idea,
        "thread": thread,
        "latest": latest,
        "may_set_status": permissions.can_set_status(request.user, idea),
        "statuses": CHOSEN,
    }
    if page is not None:
        page.fills["idea"] = {"closed": idea.is_closed, "votes": idea.votes}
        context["vote"] = page[VOTE]
    return render_to_string("ideas/_panel.html", context, request=request)


def fill(request, html: str, fills: dict) -> str:
    slot = pagecache.slot(VOTE)
    if slot not in html or "idea" not in fills:
        return html
    member, thread = pagecache.member(request), fills["thread"]
    idea = SimpleNamespace(thread=thread, is_closed=fills["idea"]["closed"], votes=fills["idea"]["votes"], pk=thread.pk)
    voted = IdeaVote.objects.filter(idea_id=thread.pk, member=member).exists()
    may_vote = permissions.can_vote(member, idea)
    context = {"idea": idea, "voted": voted, "may_vote": may_vote, "csrf_token": pagecache.CSRF}
    return html.replace(slot, render_to_string("ideas/_vote.html", context))
