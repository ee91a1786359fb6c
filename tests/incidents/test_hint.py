"""A member writing a new thread is pointed to the open incident it may be about."""

import pytest
from haystack import connections

from incidents import services
from search.models import IndexTask
from search.queue import apply_all
from tests.incidents.conftest import TITLE

MATCH = "/incidents/match/"
HINT = "Follow the incident instead"


@pytest.fixture
def indexed(db):
    """An empty index; calling it indexes what was written since (the after-commit work)."""
    IndexTask.objects.all().delete()
    connections["default"].get_backend().rebuild([])
    return apply_all


@pytest.fixture
def concerning(declare, questions):
    return declare(categories=[questions], tags=["lamps"])


def hint(client, **params) -> str:
    response = client.get(MATCH, params)
    assert response.status_code == 200
    return response.json()["html"]


def test_a_new_thread_in_a_concerned_category_shows_the_incident_at_the_top(member_client, concerning, questions):
    html = member_client.get(f"/t/new/?category={questions.slug}").content.decode()
    assert 'id="incident-hint"' in html and HINT in html and TITLE in html
    assert html.index('id="incident-hint"') < html.index('name="title"')


def test_the_hint_follows_the_category_and_tags_being_chosen(member_client, concerning, questions, discussion):
    assert TITLE in hint(member_client, category=questions.pk)
    assert TITLE in hint(member_client, category=discussion.pk, tags="wifi, Lamps")
    assert hint(member_client, category=discussion.pk, tags="wifi") == ""
    assert hint(member_client, category="x" * 50, tags="," * 40) == ""


def test_a_title_like_the_incidents_or_a_linked_threads_shows_it(
    member_client, indexed, declare, make_thread, discussion, member, staff_member
):
    incident = declare()
    other = make_thread(category=discussion, author=member, title="Hub disconnects from the wifi network")
    services.link_thread(incident=incident, thread=other, by=staff_member)
    indexed()

    assert TITLE in hint(member_client, title="Why do my lamps blink?")
    assert TITLE in hint(member_client, title="My hub disconnects every hour")
    assert hint(member_client, title="Which colour temperature for reading?") == ""


def test_a_sent_form_with_errors_keeps_the_hint(member_client, concerning, questions):
    response = member_client.post("/t/new/", {"category": questions.pk, "title": "Blinking", "body": ""})
    assert response.status_code == 400 and HINT in response.content.decode()


def test_no_hint_and_no_script_while_no_incident_is_open(member_client, concerning, staff_member, questions):
    services.resolve_incident(incident=concerning, by=staff_member, body="Fixed.")
    html = member_client.get(f"/t/new/?category={questions.slug}").content.decode()
    assert "incident-hint" not in html and "incidents.js" not in html
    assert hint(member_client, category=questions.pk) == ""


def test_an_incident_whose_thread_only_staff_may_read_is_not_hinted_to_members(
    member_client, concerning, questions, staff_category, moderator
):
    from forum import services as forum_services

    forum_services.move_thread(thread=concerning.thread, by=moderator, category=staff_category)
    assert hint(member_client, category=questions.pk) == ""
