"""Moderators reach a member's warn and suspend page from the author card and the profile.

Only moderators see the link, and never about themselves.
"""

import pytest
from django.test import Client

from tests.forum.parsed import parse_html
from tests.forum.test_query_counts import THREAD_PAGE_MAX

ROLES = ["visitor", "member", "author", "staff", "moderator", "suspended"]


@pytest.fixture
def people(make_member, member, staff_member, moderator, suspended_member):
    return {
        "visitor": None,
        "member": make_member("carla"),
        "author": member,
        "staff": staff_member,
        "moderator": moderator,
        "suspended": suspended_member,
    }


def client_as(handler, person):
    client = Client()
    client.handler = handler
    if person is not None:
        client.force_login(person)
    return client


def moderate_links(html) -> set[str]:
    return {a.get("href") for a in parse_html(html).find_all("a") if (a.get("href") or "").startswith("/mod/member/")}


@pytest.mark.parametrize("role", ROLES)
def test_the_author_card_links_to_the_warn_and_suspend_page_for_moderators_only(
    _request_handler, people, make_thread, discussion, member, moderator, role
):
    thread = make_thread(category=discussion, author=member, replies=[(moderator, "Please keep it civil.")])

    links = moderate_links(client_as(_request_handler, people[role]).get(thread.get_absolute_url()).content)

    # A moderator gets the link on Alice's card, never on their own reply.
    assert links == ({"/mod/member/alice/"} if role == "moderator" else set())


@pytest.mark.parametrize("role", ROLES)
def test_the_profile_links_to_the_warn_and_suspend_page_for_moderators_only(_request_handler, people, member, role):
    links = moderate_links(client_as(_request_handler, people[role]).get("/u/alice/").content)

    assert links == ({"/mod/member/alice/"} if role == "moderator" else set())


def test_a_moderator_s_own_profile_offers_no_link_to_suspend_themselves(_request_handler, moderator):
    assert moderate_links(client_as(_request_handler, moderator).get("/u/marc/").content) == set()


def test_the_thread_page_with_the_links_takes_a_fixed_number_of_queries(
    _request_handler, make_member, make_thread, discussion, member, moderator, django_assert_max_num_queries
):
    writers = [make_member(f"writer{n}") for n in range(12)]
    thread = make_thread(category=discussion, author=member, replies=[(w, "Me too.") for w in writers])
    client = client_as(_request_handler, moderator)
    client.get(thread.get_absolute_url())  # warm the per-process caches

    with django_assert_max_num_queries(THREAD_PAGE_MAX + 3):  # + the moderator's header: queue count
        response = client.get(thread.get_absolute_url())

    assert len(moderate_links(response.content)) == 13
