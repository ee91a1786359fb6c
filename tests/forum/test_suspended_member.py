"""A suspended member is told why on every page, and offered no way to post.

The matrix: visitor, member, the author, staff, moderator, suspended member. Only the
suspended member sees the banner (with the reason and the end), and only they lose the
posting actions: start a thread, the reply form, the helpful vote, the report link.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.forum.parsed import parse_html

REASON = "Spam links in five threads"
ROLES = ["visitor", "member", "author", "staff", "moderator", "suspended"]


@pytest.fixture
def people(make_member, member, staff_member, moderator):
    return {
        "visitor": None,
        "member": make_member("carla", display_name="Carla Roux"),
        "author": member,
        "staff": staff_member,
        "moderator": moderator,
        "suspended": make_member(
            "sam",
            display_name="Sam Suspended",
            suspended_until=timezone.now() + timedelta(days=3),
            suspension_reason=REASON,
        ),
    }


@pytest.fixture
def thread(make_thread, discussion, member, other_member):
    return make_thread(
        category=discussion,
        author=member,
        title="Which lamp for a reading corner",
        replies=[(other_member, "The Halo.")],
    )


def client_as(handler, person):
    client = Client()
    client.handler = handler
    if person is not None:
        client.force_login(person)
    return client


def seen(client, thread):
    home = parse_html(client.get("/").content)
    page = parse_html(client.get(thread.get_absolute_url()).content)
    return {
        "banner": bool(page.find(class_="suspension-banner")) and bool(home.find(class_="suspension-banner")),
        "start": any(a.get("href") == "/t/new/" for a in home.find_all("a")),
        "reply form": any(f.get("class") == "composer" for f in page.find_all("form")),
        "vote": any("Helpful" in b.text for b in page.find_all("button")),
        "report": any((a.get("href") or "").startswith("/report/") for a in page.find_all("a")),
    }


EXPECTED = {
    "visitor": {"banner": False, "start": False, "reply form": False, "vote": False, "report": False},
    "member": {"banner": False, "start": True, "reply form": True, "vote": True, "report": True},
    "author": {"banner": False, "start": True, "reply form": True, "vote": True, "report": True},
    "staff": {"banner": False, "start": True, "reply form": True, "vote": True, "report": True},
    "moderator": {"banner": False, "start": True, "reply form": True, "vote": True, "report": True},
    "suspended": {"banner": True, "start": False, "reply form": False, "vote": False, "report": False},
}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_suspended_member_sees_the_banner_and_loses_every_posting_action(
    _request_handler, people, thread, role
):
    assert seen(client_as(_request_handler, people[role]), thread) == EXPECTED[role]


def test_the_banner_gives_the_reason_and_the_end_of_the_suspension_on_every_page(_request_handler, people, thread):
    client = client_as(_request_handler, people["suspended"])

    for url in ["/", thread.get_absolute_url(), "/leaderboard/", "/u/alice/", "/notifications/"]:
        banner = parse_html(client.get(url).content).find(class_="suspension-banner")
        assert banner is not None, url
        assert REASON in banner.text
        assert "suspended until" in banner.text


def test_the_reply_box_tells_the_suspended_member_why_they_cannot_reply(_request_handler, people, thread):
    page = parse_html(client_as(_request_handler, people["suspended"]).get(thread.get_absolute_url()).content)

    assert REASON in page.find("section", class_="reply-box").text


def test_the_report_form_refuses_a_suspended_member_with_the_reason(_request_handler, people, thread):
    response = client_as(_request_handler, people["suspended"]).get(f"/report/?thread={thread.pk}")

    assert response.status_code == 403
    assert REASON in response.content.decode()


def test_the_thread_page_takes_no_more_queries_for_a_suspended_member_than_for_a_member(
    _request_handler, people, thread, django_assert_max_num_queries
):
    member, suspended = client_as(_request_handler, people["member"]), client_as(_request_handler, people["suspended"])
    with CaptureQueriesContext(connection) as as_member:
        member.get(thread.get_absolute_url())

    with django_assert_max_num_queries(len(as_member)):
        suspended.get(thread.get_absolute_url())
