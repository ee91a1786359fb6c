"""The incident pages from the outside: the history, an incident, staff's forms, following."""

from datetime import timedelta

import pytest
from django.test import Client

from forum import services as forum_services
from forum.models import Category, Follow, Thread
from incidents import services
from incidents.models import Incident, Link, Status
from tests.incidents.conftest import STATEMENT, STATEMENT_FR, TITLE, TITLE_FR

LIST = "/incidents/"
DECLARE = "/incidents/new/"


def reader(request, who) -> Client:
    client = Client()
    if who != "visitor":
        client.force_login(request.getfixturevalue(who))
    return client


@pytest.mark.parametrize("who", ["visitor", "member", "staff_member"])
def test_the_history_lists_open_incidents_first_in_a_bounded_number_of_queries(
    declare, request, who, staff_member, django_assert_max_num_queries
):
    for n in range(3):
        old = declare(title=f"Old outage {n}", title_fr="")
        services.resolve_incident(incident=old, by=staff_member, body="Fixed.")
    declare()
    client = reader(request, who)

    with django_assert_max_num_queries(10):
        response = client.get(LIST)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(TITLE) < html.index("Old outage 2") < html.index("Old outage 0")
    assert ("Declare an incident" in html) is (who == "staff_member")


def test_the_history_is_paginated_and_has_an_empty_state(client, declare, settings):
    assert "No incident so far" in client.get(LIST).content.decode()
    for n in range(21):
        declare(title=f"Outage number {n}", title_fr="")
    assert "Outage number 0" not in client.get(LIST).content.decode()
    assert "Outage number 0" in client.get(LIST + "?page=2").content.decode()


def test_french_readers_read_the_french_statement(client, incident):
    client.cookies["django_language"] = "fr"
    html = client.get(incident.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert TITLE_FR in html and STATEMENT_FR in html and STATEMENT not in html


def test_a_statement_written_in_one_language_is_shown_to_every_reader(client, declare):
    incident = declare(title_fr="", statement_fr="")
    html = client.get(incident.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert TITLE in html and STATEMENT in html


@pytest.mark.parametrize(
    ("who", "manages"),
    [("visitor", False), ("member", False), ("moderator", False), ("staff_member", True), ("admin_member", True)],
)
def test_the_incident_page_offers_the_staff_forms_and_figures_to_brand_staff_only(
    incident, request, who, manages, make_thread, discussion, member, staff_member, django_assert_max_num_queries
):
    for n in range(4):
        asked = make_thread(category=discussion, author=member, title=f"Blinking lamps {n}")
        services.link_thread(incident=incident, thread=asked, by=staff_member, merge=n % 2 == 0)
    client = reader(request, who)

    with django_assert_max_num_queries(14):
        response = client.get(incident.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Blinking lamps 3" in html
    assert ("Post an update" in html) is manages
    assert ("Time to first statement" in html) is manages


def test_staff_declare_from_the_form_and_land_on_the_incident(client, staff_member, discussion, questions):
    client.force_login(staff_member)
    assert client.get(DECLARE).status_code == 200

    response = client.post(
        DECLARE,
        {
            "title": TITLE,
            "statement": STATEMENT,
            "status": Status.INVESTIGATING,
            "category": discussion.pk,
            "categories": [questions.pk],
            "tags": "lamps, Firmware 2.4",
        },
    )

    incident = Incident.objects.get()
    assert response.status_code == 302 and response.url == incident.get_absolute_url()
    assert list(incident.categories.all()) == [questions]
    assert sorted(incident.tags.values_list("name", flat=True)) == ["firmware-24", "lamps"]


def test_staff_adopt_a_thread_by_its_address(client, staff_member, make_thread, discussion, member):
    asked = make_thread(category=discussion, author=member, title="All my lamps blink")
    client.force_login(staff_member)

    response = client.post(
        DECLARE,
        {
            "title": TITLE,
            "statement": STATEMENT,
            "status": Status.IDENTIFIED,
            "thread": "https://forum.example" + asked.get_absolute_url(),
        },
    )

    assert response.status_code == 302
    assert Incident.objects.get().thread == asked


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": TITLE, "statement": "", "status": "investigating"}, "Write the public statement"),
        ({"title": TITLE, "statement": STATEMENT, "status": "investigating"}, "Choose the category"),
        (
            {"title": TITLE, "statement": STATEMENT, "status": "investigating", "thread": "999999"},
            "No thread you can read",
        ),
        ({"title": TITLE, "statement": STATEMENT, "status": "resolved"}, "Select a valid choice"),
        ({"title": "x\x00", "statement": STATEMENT, "status": "investigating"}, ""),
    ],
)
def test_a_bad_declaration_gets_a_400_with_its_message_and_writes_nothing(client, staff_member, data, message):
    client.force_login(staff_member)
    response = client.post(DECLARE, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Incident.objects.exists() and not Thread.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"), [("visitor", 302), ("member", 403), ("moderator", 403), ("suspended_staff", 403)]
)
def test_only_brand_staff_and_admins_reach_the_staff_forms(incident, request, who, status, discussion):
    client = reader(request, who)
    assert client.get(DECLARE).status_code == status
    post = {"title": "Another", "statement": "x", "status": "investigating", "category": discussion.pk}
    assert client.post(DECLARE, post).status_code == status
    assert client.post(f"/incidents/{incident.pk}/update/", {"status": "fixing", "body": "x"}).status_code == status
    assert client.post(f"/incidents/{incident.pk}/link/", {"thread": str(incident.thread_id)}).status_code == status
    assert Incident.objects.count() == 1 and incident.updates.count() == 1


def test_staff_post_an_update_and_resolve_from_the_incident_page(client, incident, staff_member):
    client.force_login(staff_member)
    url = f"/incidents/{incident.pk}/update/"

    assert client.post(url, {"status": "fixing", "body": "A fix is on its way."}).status_code == 302
    assert client.post(url, {"status": "fixing", "body": "", "body_fr": ""}).status_code == 400
    assert client.post(url, {"status": "resolved", "body_fr": "Corrigé par la 2.4.1."}).status_code == 302
    response = client.post(url, {"status": "fixing", "body": "Again"})

    assert response.status_code == 400 and "it takes no more updates" in response.content.decode()
    assert list(incident.updates.values_list("status", flat=True)) == ["resolved", "fixing", "investigating"]


def test_staff_link_and_merge_a_thread_from_the_incident_page(
    client, incident, staff_member, make_thread, discussion, member
):
    asked = make_thread(category=discussion, author=member, title="Lamp blinking")
    client.force_login(staff_member)
    url = f"/incidents/{incident.pk}/link/"

    assert client.post(url, {"thread": "not a thread"}).status_code == 400
    assert client.post(url, {"thread": f"#{asked.pk}", "merge": "on"}).status_code == 302
    response = client.post(url, {"thread": str(asked.pk)})

    assert response.status_code == 400 and "already linked" in response.content.decode()
    assert Link.objects.get().merged and Thread.objects.get(pk=asked.pk).is_locked


def test_members_follow_the_incident_in_one_click_and_visitors_are_asked_to_log_in(client, incident, member):
    url = f"/incidents/{incident.pk}/follow/"
    assert "Log in to follow the incident" in client.get(incident.get_absolute_url()).content.decode()
    assert client.post(url).status_code == 302
    assert not Follow.objects.filter(member=member).exists()

    client.force_login(member)
    assert client.post(url, {"action": "follow"}).status_code == 302
    assert "You follow this incident." in client.get(incident.get_absolute_url()).content.decode()
    assert client.post(url, {"action": "dance"}).status_code == 400
    assert client.post(url, {"action": "unfollow"}, HTTP_ACCEPT="application/json").json() == {
        "ok": True,
        "following": False,
    }
    assert not Follow.objects.filter(member=member, thread=incident.thread).exists()


# Nothing from staff-only categories -----------------------------------------------------------


@pytest.fixture
def staff_only_link(incident, make_thread, staff_category, staff_member):
    hidden = make_thread(category=staff_category, author=staff_member, title="Internal: vendor firmware bug")
    services.link_thread(incident=incident, thread=hidden, by=staff_member)
    incident.categories.add(staff_category)
    return hidden


@pytest.mark.parametrize(
    ("who", "sees"),
    [("visitor", False), ("member", False), ("suspended_staff", True), ("staff_member", True), ("moderator", True)],
)
def test_a_linked_thread_in_a_staff_only_category_is_never_shown_to_the_public(
    incident, staff_only_link, request, who, sees
):
    client = reader(request, who)
    page = client.get(incident.get_absolute_url()).content.decode()
    assert ("Internal: vendor firmware bug" in page) is sees
    assert ("Staff room" in page) is sees
    assert "Internal: vendor firmware bug" not in client.get(LIST).content.decode()


def test_an_incident_whose_thread_became_staff_only_leaves_the_public_pages_and_the_banner(
    client, incident, staff_category, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.move_thread(thread=incident.thread, by=moderator, category=staff_category)

    assert client.get(incident.get_absolute_url()).status_code == 404
    html = client.get(LIST).content.decode()
    assert TITLE not in html and 'id="incident-banner"' not in html


def test_an_old_incident_shows_its_figures_to_staff(client, incident, staff_member, make_thread, discussion, member):
    asked = make_thread(category=discussion, author=member, title="Lamps blink")
    Thread.objects.filter(pk=asked.pk).update(created_at=incident.declared_at - timedelta(hours=2))
    services.link_thread(incident=Incident.objects.get(pk=incident.pk), thread=asked, by=staff_member, merge=True)
    services.follow_incident(incident=incident, member=member)
    services.resolve_incident(incident=incident, by=staff_member, body="Fixed.")
    Incident.objects.filter(pk=incident.pk).update(resolved_at=incident.declared_at + timedelta(hours=5))
    client.force_login(staff_member)

    html = client.get(incident.get_absolute_url()).content.decode()

    assert '<dd data-figure="linked">1 (1 merged)</dd>' in html
    assert '<dd data-figure="followers">2</dd>' in html  # the member, and the declaring staff member
    assert '<dd data-figure="first-statement">2\xa0hours</dd>' in html
    assert '<dd data-figure="resolution">5\xa0hours</dd>' in html
    listed = client.get(LIST).content.decode()
    assert '<dd data-figure="linked">1 (1 merged)</dd>' in listed and '<dd data-figure="followers">2</dd>' in listed
    assert Category.objects.count() == 1
