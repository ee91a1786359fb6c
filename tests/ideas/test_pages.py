"""An idea's page: its status and votes for everyone, each member's own vote button (also in
the copy members share), one-click voting with and without JavaScript, and the staff's
status form with its errors."""

import re

import pytest
from django.test import Client
from django.utils import translation

from forum.models import Category, Post
from ideas import selectors
from ideas.models import Idea, IdeaVote, Status
from ideas.services import set_idea_status, vote_for_idea
from tests.conftest import IDEA_TITLE
from tests.live_html import element_by_id

pytestmark = pytest.mark.django_db

NOTE = "Planned for the spring update of the app."


def reader(member=None, **options) -> Client:
    client = Client(**options)
    if member is not None:
        client.force_login(member)
    return client


def panel(client, thread) -> str:
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    return str(element_by_id(response.content.decode(), "idea"))


def test_everyone_sees_the_status_and_the_votes(idea, other_member, staff_member, django_assert_max_num_queries):
    vote_for_idea(thread=idea, member=other_member)
    set_idea_status(thread=idea, by=staff_member, status=Status.PLANNED, note=NOTE)

    with django_assert_max_num_queries(12):
        shown = panel(reader(), idea)

    assert "Planned" in shown and re.search(r"data-idea-count[^>]*>\s*1\s*<", shown)
    assert "Log in to vote" in shown and "Read the team" in shown
    assert "Set the status" not in shown


@pytest.mark.parametrize("page_cache", [False, True])
def test_each_member_sees_their_own_vote(settings, idea, member, other_member, page_cache):
    settings.PAGE_CACHE = page_cache
    vote_for_idea(thread=idea, member=other_member)

    mine = panel(reader(other_member), idea)
    theirs = panel(reader(member), idea)

    assert 'aria-pressed="true"' in mine and 'value="withdraw"' in mine
    assert 'aria-pressed="false"' in theirs and 'value="vote"' in theirs


def test_a_vote_without_javascript_returns_to_the_button(idea, other_member):
    response = reader(other_member).post(f"/ideas/{idea.pk}/vote/", {"action": "vote"})

    assert response.status_code == 302 and response["Location"].endswith("#idea-vote")
    assert Idea.objects.get(thread=idea).votes == 1


def test_a_vote_with_javascript_gets_the_new_count(idea, other_member):
    client = reader(other_member)
    voted = client.post(f"/ideas/{idea.pk}/vote/", {"action": "vote"}, HTTP_ACCEPT="application/json")
    withdrawn = client.post(f"/ideas/{idea.pk}/vote/", {"action": "withdraw"}, HTTP_ACCEPT="application/json")

    assert voted.json() == {"ok": True, "votes": 1, "voted": True}
    assert withdrawn.json() == {"ok": True, "votes": 0, "voted": False}
    assert not IdeaVote.objects.exists()


def test_bad_votes_get_a_clear_answer(idea, make_thread, discussion, member, other_member, staff_category):
    client = reader(other_member)
    assert client.post(f"/ideas/{idea.pk}/vote/", {"action": "shout"}).status_code == 400
    assert client.get(f"/ideas/{idea.pk}/vote/").status_code == 405
    plain = make_thread(category=discussion, author=member)
    assert client.post(f"/ideas/{plain.pk}/vote/", {"action": "vote"}).status_code == 403
    assert client.post("/ideas/999999/vote/", {"action": "vote"}).status_code == 404
    visitor = reader().post(f"/ideas/{idea.pk}/vote/", {"action": "vote"})
    assert visitor.status_code == 302 and "/accounts/login/" in visitor["Location"]
    assert not IdeaVote.objects.exists()


def test_staff_set_the_status_from_the_page(idea, staff_member):
    client = reader(staff_member)
    assert "Set the status" in panel(client, idea)

    response = client.post(f"/ideas/{idea.pk}/status/", {"status": "planned", "note": NOTE})

    assert response.status_code == 302 and response["Location"].endswith("#idea")
    assert Idea.objects.get(thread=idea).status == Status.PLANNED
    assert Post.objects.filter(thread=idea, body=NOTE, is_official=True).exists()


def test_a_status_without_a_note_is_refused_with_the_reason(idea, staff_member):
    response = reader(staff_member).post(f"/ideas/{idea.pk}/status/", {"status": "planned", "note": "ok"})

    assert response.status_code == 400
    assert "Say in a sentence why" in response.content.decode()
    assert Idea.objects.get(thread=idea).status == Status.NEW


@pytest.mark.parametrize("who", ["member", "author", "moderator"])
def test_only_staff_reach_the_status_form(idea, member, other_member, moderator, who):
    client = reader({"member": other_member, "author": member, "moderator": moderator}[who])

    assert client.get(f"/ideas/{idea.pk}/status/").status_code == 403
    assert client.post(f"/ideas/{idea.pk}/status/", {"status": "planned", "note": NOTE}).status_code == 403
    assert "Set the status" not in panel(client, idea)


def test_admins_can_look_at_ideas_but_not_change_them_there(idea, other_member, staff_member, admin_member):
    vote_for_idea(thread=idea, member=other_member)
    set_idea_status(thread=idea, by=staff_member, status=Status.PLANNED, note=NOTE)
    client = reader(admin_member)

    for url in ("/admin/ideas/idea/", "/admin/ideas/statuschange/", f"/admin/ideas/idea/{idea.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert IDEA_TITLE in client.get("/admin/ideas/idea/").content.decode()
    assert client.get("/admin/ideas/idea/add/").status_code == 403


def test_the_panel_speaks_french(idea, other_member, staff_member):
    set_idea_status(thread=idea, by=staff_member, status=Status.PLANNED, note=NOTE)
    client = reader(other_member)

    with translation.override("fr"):  # the language the page activates ends with the test
        response = client.get(idea.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr")
    shown = str(element_by_id(response.content.decode(), "idea"))

    assert "Prévue" in shown and "Voter pour cette idée" in shown and "Lire la note de l’équipe" in shown
    assert "0 vote" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", shown))


def test_the_page_shows_who_voted_and_the_voters_page_lists_them_all(
    monkeypatch, idea, make_member, django_assert_max_num_queries
):
    monkeypatch.setattr(selectors, "VOTERS_PER_PAGE", 4)
    people = [make_member(f"fan{n}", display_name=f"Fan number {n}") for n in range(10)]
    for person in people:
        vote_for_idea(thread=idea, member=person)

    shown = panel(reader(), idea)
    assert "Fan number 9" in shown and "Fan number 2" in shown and "Fan number 1" not in shown  # the latest 8
    assert "and 2 others" in shown

    client = reader(people[0])
    with django_assert_max_num_queries(8):
        response = client.get(f"/ideas/{idea.pk}/voters/")
    page = response.content.decode()
    assert response.status_code == 200 and "10 members vote for it." in page
    assert page.index("Fan number 9") < page.index("Fan number 6") and "Fan number 5" not in page
    last = reader().get(f"/ideas/{idea.pk}/voters/", {"page": 3}).content.decode()
    assert "Fan number 1" in last and "Fan number 0" in last and "Fan number 2" not in last


def test_the_voters_page_exists_only_for_ideas_the_reader_may_read(
    make_thread, make_category, discussion, member, other_member, staff_member
):
    staff_ideas = make_category("staff-ideas", kind=Category.Kind.IDEAS, access=Category.Access.STAFF)
    secret = make_thread(category=staff_ideas, author=staff_member, title="Only for the team")
    plain = make_thread(category=discussion, author=member, title="Just a discussion")

    assert reader(other_member).get(f"/ideas/{secret.pk}/voters/").status_code == 404
    assert reader().get(f"/ideas/{secret.pk}/voters/").status_code == 404
    assert reader(staff_member).get(f"/ideas/{secret.pk}/voters/").status_code == 200
    assert reader(other_member).get(f"/ideas/{plain.pk}/voters/").status_code == 404
    assert reader(other_member).get("/ideas/999999/voters/").status_code == 404


def test_the_panel_keeps_the_status_history_with_each_note(idea, staff_member):
    set_idea_status(thread=idea, by=staff_member, status=Status.UNDER_REVIEW, note="We are looking at this now.")
    set_idea_status(thread=idea, by=staff_member, status=Status.PLANNED, note=NOTE)

    shown = panel(reader(), idea)
    history = shown[shown.index("Status history") :]
    assert history.index("Under review") < history.index("Planned")
    notes = Post.objects.filter(thread=idea, is_official=True).order_by("pk")
    for note in notes:
        assert note.get_absolute_url() in history


def test_the_status_form_page_writes_nothing(idea, staff_member):
    """A thread that became an idea by its category's kind has no row yet: showing staff the form
    must not make one (set_idea_status does, when the status is set)."""
    Idea.objects.filter(thread=idea).delete()
    assert reader(staff_member).get(f"/ideas/{idea.pk}/status/").status_code == 200
    assert not Idea.objects.filter(thread=idea).exists()

    response = reader(staff_member).post(f"/ideas/{idea.pk}/status/", {"status": "planned", "note": NOTE})
    assert response.status_code == 302 and Idea.objects.get(thread=idea).status == Status.PLANNED
