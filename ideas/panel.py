"""An idea's status, votes and vote button at the head of its thread page (forum.hooks).

The panel is the same for every member with no role but for the vote button, which is a
slot of the shared page (web/pagecache.py), filled for each reader with their own vote. The
status and merge forms are for staff, moderators and admins, whose pages are their own.
"""

from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils.translation import get_language

from forum import permissions as forum_permissions
from forum.models import Visibility
from ideas import permissions, selectors
from ideas.models import CHOSEN, Idea, IdeaVote, Status, StatusChange
from web import pagecache
from web.prepared import Prepared

VOTE = "idea-vote"
# Vote buttons by everything ideas/_vote.html shows (the CSRF token is a slot): a few hundred bytes each.
buttons = pagecache.Renderings(4000)
# Whether the reader voted for the idea, read on every member's page of an idea (web/prepared.py).
_VOTED = Prepared(lambda idea, member: IdeaVote.objects.filter(idea_id=idea, member=member).values_list("pk")[:1])


def render(request, thread) -> str:
    if not thread.category.is_ideas:
        return ""
    idea = Idea.objects.filter(thread=thread).select_related("merged_into__thread__category").first()
    idea = idea or Idea(thread=thread)
    idea.thread = thread
    merged = idea.status == Status.DUPLICATE
    history = list(StatusChange.objects.filter(idea_id=thread.pk).select_related("note").order_by("created_at", "pk"))
    voters = list(selectors.latest_voters(thread.pk)) if idea.votes else []
    page = getattr(request, "shared_page", None)
    context = {
        "idea": idea,
        "thread": thread,
        "latest": history[-1] if history else None,
        "history": history,
        "voters": voters,
        "more_voters": idea.votes - len(voters),
        "merged": merged,
        "merged_into": _merged_into(request, idea) if merged else None,
        "may_set_status": not merged and permissions.can_set_status(request.user, idea),
        "may_merge": permissions.can_merge(request.user, idea),
        "statuses": CHOSEN,
    }
    if page is not None:
        page.fills["idea"] = {"closed": idea.is_closed, "votes": idea.votes}
        context["vote"] = page[VOTE]
    return render_to_string("ideas/_panel.html", context, request=request)


def _merged_into(request, idea):
    """The thread a duplicate went into, if the reader may read it (a target hidden since is read
    by some members only: the page then is the reader's own)."""
    target = idea.merged_into.thread if idea.merged_into else None
    if target is None:
        return None
    if target.visibility != Visibility.VISIBLE:
        pagecache.personal(request)
    return target if forum_permissions.can_read_thread(request.user, target) else None


def fill(request, fills: dict) -> dict:
    if "idea" not in fills:
        return {}
    member, thread = pagecache.member(request), fills["thread"]
    idea = SimpleNamespace(thread=thread, is_closed=fills["idea"]["closed"], votes=fills["idea"]["votes"], pk=thread.pk)
    voted = bool(_VOTED.rows(idea=thread.pk, member=member.pk))
    may_vote = permissions.can_vote(member, idea)
    context = {"idea": idea, "voted": voted, "may_vote": may_vote, "csrf_token": pagecache.CSRF}
    key = (get_language(), idea.pk, voted, may_vote, idea.is_closed)
    return {VOTE: buttons.get_or_render(key, lambda: render_to_string("ideas/_vote.html", context))}
