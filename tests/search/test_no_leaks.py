"""Search never shows a reader what they may not read: not in results, counts, snippets or suggestions.

The index may be stale (an update still queued, a category's access changed
by hand): every hit is checked against the database before it is shown, so
these tests hide, delete and move content WITHOUT applying the queue.
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from forum.models import Category
from moderation import actions
from search.models import IndexTask
from tests.search.test_index_documents import stored_documents

ROLES = ["visitor", "member", "suspended", "staff", "moderator", "admin"]
SEES_STAFF_AREAS = {"staff", "moderator", "admin"}


@pytest.fixture
def reader(request, client, make_member):
    """A client logged in as the role named by the test's `who` parameter."""
    who = request.getfixturevalue("who")
    if who != "visitor":
        member = make_member(
            f"reader-{who}",
            staff=who == "staff",
            title="Acme Support" if who == "staff" else "",
            moderator=who == "moderator",
            admin=who == "admin",
            suspended_until=timezone.now() + timedelta(days=3) if who == "suspended" else None,
        )
        client.force_login(member)
    return client


def similar(client, title):
    response = client.get("/search/similar/", {"title": title})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [thread["title"] for thread in json.loads(response.content)["threads"]]


def related(client, thread):
    from tests.search.pages import parse

    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    aside = next((e for e in parse(response.content.decode()).find_all("aside") if "related" in e.classes), None)
    return [" ".join(a.text.split()) for a in aside.find_all("a")] if aside else []


# Staff-only categories ----------------------------------------------------------


@pytest.fixture
def kettles(make_thread, discussion, staff_category, member, staff_member, index_now):
    public = make_thread(
        category=discussion, author=member, title="Kettle pairing guide", body="Pairing the smart kettle, step by step."
    )
    private = make_thread(
        category=staff_category,
        author=staff_member,
        title="Kettle pairing escalations",
        body="Pairing failures on the kettle: see the confidential roadmap.",
    )
    index_now()
    return public, private


@pytest.mark.parametrize("who", ROLES)
def test_search_shows_staff_only_threads_to_staff_and_moderators_only(search_page, reader, kettles, who):
    public, private = kettles

    page = search_page(reader, q="kettle pairing")

    if who in SEES_STAFF_AREAS:
        assert sorted(page.titles) == sorted([public.title, private.title])
        assert page.count == 2
    else:
        assert page.titles == [public.title]
        assert page.count == 1
        assert "roadmap" not in page.html
        assert private.title not in page.html


@pytest.mark.parametrize("who", ROLES)
def test_suggestions_show_staff_only_threads_to_staff_and_moderators_only(reader, kettles, who):
    public, private = kettles

    titles = similar(reader, "Kettle pairing problem")

    expected = {public.title, private.title} if who in SEES_STAFF_AREAS else {public.title}
    assert set(titles) == expected


@pytest.mark.parametrize("who", ROLES)
def test_related_threads_show_staff_only_threads_to_staff_and_moderators_only(
    reader, kettles, make_thread, discussion, other_member, index_now, who
):
    public, private = kettles
    third = make_thread(category=discussion, author=other_member, title="Kettle pairing again", body="Same trouble.")
    index_now()

    shown = related(reader, third)

    expected = {public.title, private.title} if who in SEES_STAFF_AREAS else {public.title}
    assert set(shown) == expected


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_a_staff_only_category_cannot_be_picked_as_a_filter(search_page, reader, kettles, who):
    page = search_page(reader, q="kettle", category="staff-room")

    assert page.results == []
    assert page.count == 0
    assert "staff-room" not in [o.get("value") for o in page.root.find_all("option")]


def test_a_thread_moved_into_a_staff_only_category_disappears_at_once(
    search_page, client, member, staff_member, moderator, kettles, staff_category
):
    public, _private = kettles
    actions.move_thread(thread=public, by=moderator, category=staff_category)
    assert IndexTask.objects.exists(), "the index is stale: the move is still queued"

    client.force_login(member)
    page = search_page(q="kettle pairing")
    assert page.results == []
    assert page.count == 0
    assert similar(client, "Kettle pairing problem") == []

    client.force_login(staff_member)
    assert len(search_page(q="kettle pairing").results) == 2


def test_a_category_made_staff_only_by_hand_disappears_at_once(search_page, member_client, kettles, discussion):
    """No event is sent when an administrator edits a category: the index says public, the database says staff."""
    Category.objects.filter(pk=discussion.pk).update(access=Category.Access.STAFF)

    page = search_page(member_client, q="kettle pairing")

    assert page.results == []
    assert page.count == 0
    assert similar(member_client, "Kettle pairing problem") == []


# Hidden and deleted posts -----------------------------------------------------


@pytest.fixture
def lamp_thread(make_thread, discussion, member, other_member, index_now):
    thread = make_thread(
        category=discussion,
        author=member,
        title="Desk lamp will not pair",
        body="My desk lamp refuses to pair with the hub.",
        replies=[(other_member, "Your desk lamp is junk, buy the xyzzy brand instead.")],
    )
    index_now()
    return thread


@pytest.mark.parametrize("action", [actions.hide_post, actions.delete_post], ids=["hidden", "deleted"])
@pytest.mark.parametrize("who", ["visitor", "member"])
def test_a_reply_removed_by_moderation_vanishes_before_the_index_catches_up(
    search_page, reader, lamp_thread, moderator, action, who
):
    reply = lamp_thread.posts.get(is_opening=False)
    action(post=reply, by=moderator, reason="rude")
    assert reply.pk in stored_documents(), "the index still holds it: the update is only queued"

    alone = search_page(reader, q="xyzzy")
    assert alone.results == []
    assert alone.count == 0

    both = search_page(reader, q="desk lamp")
    assert both.titles == [lamp_thread.title]
    assert both.count == 1
    assert both.results[0].href == lamp_thread.posts.get(is_opening=True).get_absolute_url()
    assert "xyzzy" not in both.results[0].snippet.text
    assert "junk" not in both.html

    replies = search_page(reader, q="desk lamp", type="posts")
    assert replies.results == []
    assert replies.count == 0


@pytest.mark.parametrize("applied", [False, True], ids=["index-stale", "index-updated"])
@pytest.mark.parametrize("who", ["visitor", "member"])
def test_a_hidden_thread_is_not_found_suggested_or_related(
    search_page, reader, lamp_thread, make_thread, discussion, other_member, moderator, index_now, applied, who
):
    other = make_thread(category=discussion, author=other_member, title="Desk lamp pairing", body="Desk lamp again.")
    index_now()
    actions.hide_post(post=lamp_thread.posts.get(is_opening=True), by=moderator, reason="duplicate")
    if applied:
        index_now()
    else:
        assert lamp_thread.posts.get(is_opening=True).pk in stored_documents()

    results = search_page(reader, q="desk lamp")
    assert results.titles == [other.title]
    assert results.count == 1
    assert "xyzzy" not in results.html
    assert similar(reader, "Desk lamp will not pair") == [other.title]
    assert related(reader, other) == []


def test_a_restored_post_comes_back(search_page, lamp_thread, moderator, index_now):
    reply = lamp_thread.posts.get(is_opening=False)
    actions.hide_post(post=reply, by=moderator, reason="rude")
    index_now()
    assert search_page(q="xyzzy").results == []

    actions.restore_post(post=reply, by=moderator)
    index_now()

    assert search_page(q="xyzzy").titles == [lamp_thread.title]
