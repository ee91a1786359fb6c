"""The banner: on every page, visitors' cached copies included, changed at once; pushed live."""

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from incidents import services
from incidents.models import Status
from tests.incidents.conftest import TITLE, TITLE_FR
from tests.notifications.test_socket import TIMEOUT, session_cookie_for, socket

BANNER = 'id="incident-banner"'


def banner_of(response) -> str:
    html = response.content.decode()
    if BANNER not in html:
        return ""
    return html[html.index(BANNER) : html.index("</div>\n</div>", html.index(BANNER))]


@pytest.fixture
def cached_pages(settings):
    settings.PAGE_CACHE = True


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_the_banner_is_on_every_page_in_each_language(client, incident, member, make_thread, discussion, who):
    if who == "member":
        client.force_login(member)
    thread = make_thread(category=discussion, author=member, title="Something else entirely")
    for path in ("/", thread.get_absolute_url(), "/incidents/", "/search/?q=lamp"):
        shown = banner_of(client.get(path))
        assert TITLE in shown and f'href="{incident.get_absolute_url()}"' in shown, path
    assert TITLE_FR in banner_of(client.get("/", HTTP_ACCEPT_LANGUAGE="fr"))


def test_a_visitor_sees_the_banner_change_on_the_next_cached_page_at_once(
    cached_pages, client, declare, staff_member, django_capture_on_commit_callbacks
):
    assert client.get("/").status_code == 200
    assert client.get("/").get("X-Page-Cache") == "hit" and not banner_of(client.get("/"))

    with django_capture_on_commit_callbacks(execute=True):
        incident = declare()
    declared = client.get("/")
    assert "Investigating" in banner_of(declared) and declared.get("X-Page-Cache") is None
    assert client.get("/").get("X-Page-Cache") == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(incident=incident, by=staff_member, status=Status.FIXING, body="A fix is coming.")
    assert "Fixing" in banner_of(client.get("/"))

    with django_capture_on_commit_callbacks(execute=True):
        services.resolve_incident(incident=incident, by=staff_member, body="Fixed.")
    assert not banner_of(client.get("/"))


def test_members_sharing_a_cached_page_see_the_banner_change_at_once(
    cached_pages, member, other_member, declare, django_capture_on_commit_callbacks
):
    first, second = Client(), Client()
    first.force_login(member)
    second.force_login(other_member)
    first.get("/")
    assert second.get("/").get("X-Page-Cache") == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        declare()

    assert TITLE in banner_of(second.get("/"))


def test_the_banner_costs_no_query_once_read(client, incident, django_assert_num_queries):
    client.get("/incidents/")
    with django_assert_num_queries(2):  # the page's own count and list
        response = client.get("/incidents/")
    assert TITLE in banner_of(response)


@pytest.mark.django_db(transaction=True)
async def test_every_open_socket_gets_each_update_and_the_end_of_the_banner(
    channel_layer, make_member, declare, staff_member
):
    readers = [await database_sync_to_async(make_member)() for _ in range(12)]
    cookies = [await database_sync_to_async(session_cookie_for)(m) for m in readers]
    sockets = [socket(cookie=cookie) for cookie in cookies]
    try:
        for s in sockets:
            assert (await s.connect(timeout=TIMEOUT))[0]
            assert (await s.receive_json_from(timeout=TIMEOUT))["type"] == "hello"
        incident = await database_sync_to_async(declare)()
        declared = [await s.receive_json_from(timeout=TIMEOUT) for s in sockets]
        await database_sync_to_async(services.resolve_incident)(incident=incident, by=staff_member, body="Fixed.")
        resolved = [await s.receive_json_from(timeout=TIMEOUT) for s in sockets]
    finally:
        for s in sockets:
            await s.disconnect()

    assert all(m["type"] == "incidents" and TITLE in m["html"]["en"] and TITLE_FR in m["html"]["fr"] for m in declared)
    assert all(m == {"type": "incidents", "html": {"en": "", "fr": ""}} for m in resolved)
