"""The feeds of ideas' statuses (/ideas/feed/ in RSS, /ideas/feed/atom/ in Atom): one item per
status brand staff set, newest first, and only what a visitor may read, whoever asks."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forum.feeds import FEED_LENGTH
from ideas.models import CHOSEN, Status, StatusChange
from ideas.services import set_idea_status
from moderation.actions import delete_post, hide_post
from tests.conftest import IDEA_TITLE

pytestmark = pytest.mark.django_db

ATOM, RSS = "/ideas/feed/atom/", "/ideas/feed/"
NS = {"atom": "http://www.w3.org/2005/Atom"}
PLANNED_NOTE = "Planned for the **spring** update of the app."


def read_feed(client, url: str, content_type: str) -> ET.Element:
    response = (client or Client()).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    return ET.fromstring(response.content)  # noqa: S314 (the site's own feed)


def atom_entries(client=None) -> list[dict]:
    root = read_feed(client, ATOM, "application/atom+xml")
    return [
        {
            "title": entry.findtext("atom:title", namespaces=NS),
            "link": entry.find("atom:link", NS).get("href"),
            "author": entry.findtext("atom:author/atom:name", namespaces=NS),
            "published": entry.findtext("atom:published", namespaces=NS),
            "summary": entry.findtext("atom:summary", namespaces=NS),
            "category": entry.find("atom:category", NS).get("term"),
        }
        for entry in root.findall("atom:entry", NS)
    ]


def rss_titles(client=None) -> list[str]:
    return [item.findtext("title") for item in read_feed(client, RSS, "application/rss+xml").iter("item")]


def titles(client=None) -> list[str]:
    """The titles in both feeds, which must agree."""
    atom = [entry["title"] for entry in atom_entries(client)]
    assert rss_titles(client) == atom
    return atom


def test_the_feeds_have_the_addresses_of_the_forums_feeds_pattern():
    assert reverse("ideas:feed_statuses") == ATOM
    assert reverse("ideas:feed_statuses_rss") == RSS


def test_each_status_change_is_an_item_with_its_note_author_link_and_date(idea, staff_member):
    change = set_idea_status(thread=idea, by=staff_member, status=Status.PLANNED, note=PLANNED_NOTE)

    [entry] = atom_entries()

    assert entry["title"] == f"{IDEA_TITLE}: Planned"
    assert entry["summary"] == change.note.body_html
    assert "<strong>spring</strong>" in entry["summary"]
    assert entry["link"].endswith(change.note.get_absolute_url())
    assert entry["author"] == staff_member.name
    assert entry["category"] == "Ideas"
    assert entry["published"].startswith(timezone.localtime(change.created_at).strftime("%Y-%m-%dT%H:%M:%S"))


def test_items_come_newest_first(idea, make_thread, ideas_category, member, staff_member):
    other = make_thread(category=ideas_category, author=member, title="Dim the lights at night")
    set_idea_status(thread=idea, by=staff_member, status=Status.UNDER_REVIEW, note="We are looking into it.")
    set_idea_status(thread=other, by=staff_member, status=Status.DECLINED, note="Not something we will do.")
    set_idea_status(thread=idea, by=staff_member, status=Status.DONE, note="Shipped in version 4.2 today.")
    # Same instant for two of them: the later row still comes first.
    moment = timezone.now() - timedelta(hours=1)
    StatusChange.objects.filter(status__in=[Status.UNDER_REVIEW, Status.DECLINED]).update(created_at=moment)

    assert titles() == [
        f"{IDEA_TITLE}: Done",
        "Dim the lights at night: Declined",
        f"{IDEA_TITLE}: Under review",
    ]


def test_the_feed_is_empty_before_any_status_is_set(idea):
    assert titles() == []


# Leaks, tested from the outside ----------------------------------------------------------------


@pytest.fixture
def secret_idea(make_thread, staff_ideas, staff_member):
    return make_thread(category=staff_ideas, author=staff_member, title="Secret: the next product line")


@pytest.mark.parametrize("who", ["visitor", "member", "staff", "moderator"])
def test_a_staff_only_idea_is_never_in_the_feeds_whoever_reads_them(
    request, who, idea, secret_idea, staff_member, moderator, member
):
    set_idea_status(thread=secret_idea, by=staff_member, status=Status.PLANNED, note="Planned for next year, quietly.")
    set_idea_status(thread=idea, by=staff_member, status=Status.PLANNED, note=PLANNED_NOTE)
    client = Client()
    if who != "visitor":
        client.force_login({"member": member, "staff": staff_member, "moderator": moderator}[who])

    assert titles(client) == [f"{IDEA_TITLE}: Planned"]
    assert b"Secret" not in client.get(ATOM).content + client.get(RSS).content


@pytest.mark.parametrize("action", [hide_post, delete_post])
def test_a_note_hidden_or_deleted_by_moderators_leaves_the_feed(action, idea, staff_member, moderator):
    first = set_idea_status(thread=idea, by=staff_member, status=Status.UNDER_REVIEW, note="We are looking into it.")
    set_idea_status(thread=idea, by=staff_member, status=Status.PLANNED, note=PLANNED_NOTE)

    action(post=first.note, by=moderator, reason="Posted by mistake")

    assert titles() == [f"{IDEA_TITLE}: Planned"]
    assert b"looking into it" not in Client().get(ATOM).content


def test_a_hidden_idea_leaves_the_feed_with_its_statuses(idea, staff_member, moderator):
    set_idea_status(thread=idea, by=staff_member, status=Status.PLANNED, note=PLANNED_NOTE)

    hide_post(post=idea.posts.get(is_opening=True), by=moderator, reason="Spam")

    assert titles() == []


# Length and cost -------------------------------------------------------------------------------


def _set_statuses(thread, staff_member, count):
    """`count` status changes on one idea, each to a status other than the current one."""
    statuses = [status for status in CHOSEN if status != Status.NEW]
    for n in range(count):
        set_idea_status(thread=thread, by=staff_member, status=statuses[n % len(statuses)], note=f"Change number {n}.")


def test_the_feed_is_bounded_and_its_cost_does_not_grow_with_the_items(
    make_thread, ideas_category, member, staff_member, django_assert_max_num_queries
):
    ideas = [make_thread(category=ideas_category, author=member, title=f"Idea number {n}") for n in range(4)]
    _set_statuses(ideas[0], staff_member, 2)

    # One query: the changes with their idea, thread, category, note and author.
    with django_assert_max_num_queries(1) as few:
        assert len(atom_entries()) == 2

    for thread in ideas:
        _set_statuses(thread, staff_member, FEED_LENGTH // 3)

    with django_assert_max_num_queries(1) as many:
        assert len(atom_entries()) == FEED_LENGTH
    with django_assert_max_num_queries(1):
        assert len(rss_titles()) == FEED_LENGTH
    assert len(many) == len(few)
