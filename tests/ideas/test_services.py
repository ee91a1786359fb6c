"""Votes and statuses on ideas (ideas/services.py), with the events they send and the rows
they leave: every rule checked from the outside, for each kind of member."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from forum.models import Category, Post
from ideas import events
from ideas.models import Idea, IdeaVote, Status, StatusChange
from ideas.services import idea_for, set_idea_status, vote_for_idea, withdraw_idea_vote
from moderation import actions
from moderation.models import Action

pytestmark = pytest.mark.django_db

NOTE = "We are building this for the spring release."


@pytest.fixture
def received():
    """The idea events sent during a test, in order."""
    sent = []

    def receiver(signal):
        return lambda sender, **kwargs: sent.append((signal, kwargs))

    handlers = {name: receiver(name) for name in ("idea_voted", "idea_vote_withdrawn", "idea_status_changed")}
    for name, handler in handlers.items():
        getattr(events, name).connect(handler)
    yield sent
    for name, handler in handlers.items():
        getattr(events, name).disconnect(handler)


def votes(thread) -> int:
    return Idea.objects.get(thread=thread).votes


def test_a_member_votes_once_and_can_take_the_vote_back(idea, other_member, received):
    assert vote_for_idea(thread=idea, member=other_member) is True
    assert vote_for_idea(thread=idea, member=other_member) is False

    assert votes(idea) == 1 and IdeaVote.objects.filter(member=other_member).count() == 1
    assert [name for name, _ in received] == ["idea_voted"]

    assert withdraw_idea_vote(thread=idea, member=other_member) is True
    assert withdraw_idea_vote(thread=idea, member=other_member) is False
    assert votes(idea) == 0 and not IdeaVote.objects.exists()
    assert [name for name, _ in received] == ["idea_voted", "idea_vote_withdrawn"]


def test_the_author_may_vote_for_their_own_idea(idea, member):
    assert vote_for_idea(thread=idea, member=member) is True
    assert votes(idea) == 1


def test_votes_are_separate_from_helpful_votes(idea, other_member):
    vote_for_idea(thread=idea, member=other_member)

    opening = Post.objects.get(thread=idea, is_opening=True)
    assert opening.score == 0 and votes(idea) == 1


def test_only_ideas_take_votes(make_thread, discussion, member, other_member):
    thread = make_thread(category=discussion, author=member)

    with pytest.raises(PermissionDenied):
        vote_for_idea(thread=thread, member=other_member)
    assert not Idea.objects.exists()


def test_a_visitor_and_a_suspended_member_cannot_vote(idea, other_member, moderator):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        vote_for_idea(thread=idea, member=AnonymousUser())
    actions.suspend_member(member=other_member, by=moderator, until=timezone.now() + timedelta(days=1), reason="Spam")
    other_member.refresh_from_db()
    with pytest.raises(PermissionDenied):
        vote_for_idea(thread=idea, member=other_member)
    assert votes(idea) == 0


def test_a_staff_only_idea_does_not_exist_for_a_member(make_thread, staff_ideas, staff_member, other_member):
    thread = make_thread(category=staff_ideas, author=staff_member, title="An internal idea")

    with pytest.raises(Http404):
        vote_for_idea(thread=thread, member=other_member)
    assert vote_for_idea(thread=thread, member=staff_member) is True


def test_the_cap_counts_open_ideas_in_the_category_and_gives_votes_back(
    settings, make_thread, ideas_category, member, other_member, staff_member
):
    settings.IDEA_VOTES_PER_MEMBER = 2
    first, second, third = (make_thread(category=ideas_category, author=member) for _ in range(3))
    vote_for_idea(thread=first, member=other_member)
    vote_for_idea(thread=second, member=other_member)

    with pytest.raises(PermissionDenied, match="already support 2 ideas in this category"):
        vote_for_idea(thread=third, member=other_member)

    # Done: the vote stays on the idea, but the member has it back to give.
    set_idea_status(thread=first, by=staff_member, status=Status.DONE, note=NOTE)
    assert vote_for_idea(thread=third, member=other_member) is True
    assert votes(first) == 1


def test_a_closed_idea_takes_no_more_votes(idea, other_member, staff_member):
    set_idea_status(thread=idea, by=staff_member, status=Status.DECLINED, note="Not something we will make, sorry.")

    with pytest.raises(PermissionDenied, match="closed"):
        vote_for_idea(thread=idea, member=other_member)


def test_staff_set_a_status_with_a_note_posted_as_an_official_response(idea, staff_member, received):
    change = set_idea_status(thread=idea, by=staff_member, status=Status.PLANNED, note=NOTE)

    state = Idea.objects.get(thread=idea)
    assert state.status == Status.PLANNED and state.status_changed_at is not None
    assert change.previous == Status.NEW and change.by == staff_member
    assert change.note.body == NOTE and change.note.is_official and change.note.thread_id == idea.pk
    assert list(StatusChange.objects.filter(idea=state)) == [change]
    name, arguments = received[-1]
    assert name == "idea_status_changed" and arguments["previous"] == Status.NEW and arguments["note"] == change.note
    logged = Action.objects.get(kind=Action.Kind.IDEA_STATUS)
    assert logged.actor == staff_member and logged.after == {"status": "planned"}


def test_a_status_change_keeps_its_history(idea, staff_member):
    set_idea_status(thread=idea, by=staff_member, status=Status.UNDER_REVIEW, note="We are looking at this now.")
    set_idea_status(thread=idea, by=staff_member, status=Status.PLANNED, note=NOTE)

    history = [(c.previous, c.status) for c in StatusChange.objects.filter(idea__thread=idea)]
    assert history == [(Status.NEW, Status.UNDER_REVIEW), (Status.UNDER_REVIEW, Status.PLANNED)]


@pytest.mark.parametrize(
    ("status", "note", "message"),
    [
        (Status.PLANNED, "", "Say in a sentence why"),
        (Status.PLANNED, "   ok   ", "Say in a sentence why"),
        (Status.DUPLICATE, NOTE, "Choose a status"),
        ("shipped", NOTE, "Choose a status"),
        (Status.NEW, NOTE, "already has this status"),
    ],
)
def test_a_bad_status_or_note_is_refused_and_nothing_is_written(idea, staff_member, status, note, message):
    posts = Post.objects.count()

    with pytest.raises(ValidationError, match=message):
        set_idea_status(thread=idea, by=staff_member, status=status, note=note)

    assert Post.objects.count() == posts and not StatusChange.objects.exists()
    assert Idea.objects.get(thread=idea).status == Status.NEW


@pytest.mark.parametrize("who", ["member", "author", "moderator"])
def test_only_brand_staff_and_admins_set_a_status(idea, member, other_member, moderator, admin_member, who):
    by = {"member": other_member, "author": member, "moderator": moderator}[who]

    with pytest.raises(PermissionDenied):
        set_idea_status(thread=idea, by=by, status=Status.PLANNED, note=NOTE)
    assert set_idea_status(thread=idea, by=admin_member, status=Status.PLANNED, note=NOTE).by == admin_member


def test_a_thread_that_became_an_idea_gets_its_row_on_first_use(make_thread, discussion, member, other_member):
    thread = make_thread(category=discussion, author=member)
    discussion.kind = Category.Kind.IDEAS
    discussion.save()
    thread.refresh_from_db()

    assert idea_for(thread).status == Status.NEW
    assert vote_for_idea(thread=thread, member=other_member) is True
