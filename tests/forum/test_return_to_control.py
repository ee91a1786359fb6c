"""After a one-click action the browser comes back to the control that was used.

The redirect's fragment is the control's id on the thread page (the browser scrolls
there and Tab goes on from it without JavaScript; static/js/keyboard.js focuses it),
so the id in the address and the id in the page must agree.
"""

import pytest

from forum import services
from tests.forum.parsed import parse_html


@pytest.fixture
def thread(make_thread, questions, member, other_member):
    return make_thread(
        category=questions, author=member, title="Why does my lamp hum?", replies=[(other_member, "The dimmer.")]
    )


def _reply(thread):
    return thread.posts.filter(is_opening=False).get()


def _ids(client, url):
    return {element.get("id") for element in parse_html(client.get(url).content).find_all("button")}


def test_marking_a_reply_helpful_comes_back_to_its_helpful_button(client, thread, make_member):
    client.force_login(make_member("rosa"))
    reply = _reply(thread)

    response = client.post(f"/p/{reply.pk}/vote/", {"action": "cast"})

    page, fragment = response["Location"].split("#")
    assert page == thread.get_absolute_url()
    assert fragment == f"post-{reply.pk}-vote"
    assert fragment in _ids(client, page)


def test_accepting_an_answer_comes_back_to_its_accept_button(client, thread, member):
    client.force_login(member)
    reply = _reply(thread)

    response = client.post(f"/p/{reply.pk}/accept/", {"action": "accept"})

    page, fragment = response["Location"].split("#")
    assert fragment == f"post-{reply.pk}-accept"
    assert fragment in _ids(client, page)


def test_a_vote_on_a_later_page_comes_back_to_that_page(client, thread, member, other_member, make_member, settings):
    settings.POSTS_PER_PAGE = 2
    last = services.post_reply(thread=thread, author=other_member, body="Or the transformer.")
    client.force_login(make_member("rosa"))

    response = client.post(f"/p/{last.pk}/vote/", {"action": "cast"})

    assert response["Location"] == f"{thread.get_absolute_url()}?page=2#post-{last.pk}-vote"
    assert f"post-{last.pk}-vote" in _ids(client, response["Location"].split("#")[0])


@pytest.mark.parametrize("action", ["follow", "mute", "unfollow"])
def test_following_muting_or_unfollowing_comes_back_to_the_follow_buttons(client, thread, make_member, action):
    client.force_login(make_member("rosa"))

    response = client.post(f"/t/{thread.slug}/{thread.pk}/follow/", {"action": action})

    assert response["Location"] == f"{thread.get_absolute_url()}#follow"
    assert "follow" in _ids(client, thread.get_absolute_url())


def test_the_json_answer_of_an_action_is_unchanged(client, thread, make_member):
    client.force_login(make_member("rosa"))

    response = client.post(f"/p/{_reply(thread).pk}/vote/", {"action": "cast"}, HTTP_ACCEPT="application/json")

    assert response.json() == {"ok": True, "score": 1, "voted": True}
