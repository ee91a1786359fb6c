"""A reply inserted live is the article its reader's thread page renders on load.

The push names the reply (notifications.receivers._push_reply); each open page fetches the
article from forum:post_fragment, rendered for that reader with the thread page's selector
and context. These tests follow that path and compare the two articles element by element.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forum import services
from forum.models import Post, Visibility
from tests.live_html import element_by_id
from web import push

FRAGMENT_MAX_QUERIES = 4


@pytest.fixture
def pushed(monkeypatch):
    """Every message pushed to a browser, with its group, in order, in place of the channel layer."""
    messages = []

    def send_many(pushes):
        messages.extend((one.group, one.event["message"]) for one in pushes)

    monkeypatch.setattr(push, "send_many", send_many)
    monkeypatch.setattr(push, "listened", lambda groups: None)  # as if every group held a socket
    return messages


@pytest.fixture
def question(make_thread, questions, member):
    return make_thread(category=questions, author=member, title="My lamp blinks twice and stops")


@pytest.fixture
def live_reply(question, other_member, pushed, django_capture_on_commit_callbacks):
    """A reply posted while the thread is open; what its readers were pushed."""
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.post_reply(thread=question, author=other_member, body="Hold the **power** button.")
    # A fixed age, so that both renderings say the same relative time.
    Post.objects.filter(pk=reply.pk).update(created_at=timezone.now() - timedelta(days=1))
    [message] = [m for group, m in pushed if group == push.thread_group(question.pk) and m["type"] == "reply"]
    return reply, message


def client_for(member) -> Client:
    client = Client()
    if member is not None:
        client.force_login(member)
    return client


def live_and_on_load(client, thread, message):
    """The article the live path inserts for this reader, and the one their thread page shows."""
    fetched = client.get(message["url"])
    assert fetched.status_code == 200
    page = client.get(thread.get_absolute_url())
    assert page.status_code == 200
    element_id = f"post-{message['post']}"
    return element_by_id(fetched.content, element_id), element_by_id(page.content, element_id)


# The push -------------------------------------------------------------------------------------


def test_the_push_names_the_reply_and_carries_the_new_reply_count_in_each_language(live_reply, question):
    reply, message = live_reply

    assert (message["thread"], message["post"]) == (question.pk, reply.pk)
    assert message["url"] == reverse("forum:post_fragment", args=[reply.pk])
    assert message["replies"] == {"count": 1, "text": {"en": "1 reply", "fr": "1 réponse"}}
    assert "html" not in message  # nothing one reader may do travels to the others


def test_the_pushed_reply_count_reads_as_the_thread_page_shows_it(live_reply, question, make_member):
    _reply, message = live_reply

    shown = element_by_id(client_for(make_member("carol")).get(question.get_absolute_url()).content, "reply-count")

    assert shown.children == [message["replies"]["text"]["en"]]


# Live and on load, for each reader ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "asker", "staff", "moderator", "visitor"])
def test_a_live_reply_is_the_article_its_reader_sees_on_load(
    live_reply, question, who, member, make_member, staff_member, moderator
):
    reply, message = live_reply
    reader = {
        "member": make_member("carol"),
        "asker": member,
        "staff": staff_member,
        "moderator": moderator,
        "visitor": None,
    }[who]
    if who == "member":
        services.cast_vote(post=reply, voter=reader)  # their own vote shows pressed

    live, on_load = live_and_on_load(client_for(reader), question, message)

    assert str(live) == str(on_load)
    assert live == on_load


@pytest.mark.parametrize(
    ("who", "shown", "absent"),
    [
        ("member", ["Helpful", "Quote", "Report"], ["Accept as answer", "Edit", "Endorse", "Hide"]),
        ("asker", ["Helpful", "Accept as answer", "Quote", "Report"], ["Edit", "Endorse", "Hide"]),
        ("staff", ["Helpful", "Accept as answer", "Quote", "Edit", "Endorse", "Report"], ["Hide"]),
        ("moderator", ["Helpful", "Accept as answer", "Quote", "Edit", "Report", "Hide", "Delete"], ["Endorse"]),
        ("visitor", [], ["Helpful", "Quote", "Report", "Edit"]),
    ],
)
def test_a_live_reply_carries_its_readers_own_actions(
    live_reply, who, shown, absent, member, make_member, staff_member, moderator
):
    _reply, message = live_reply
    reader = {"member": make_member("carol"), "asker": member, "staff": staff_member, "moderator": moderator}.get(who)

    html = client_for(reader).get(message["url"]).content.decode()

    for action in shown:
        assert f"{action}</" in html or f"{action} <" in html, action
    for action in absent:
        assert f"{action}</" not in html and f"{action} <" not in html, action


def test_a_live_reply_is_in_the_readers_language(live_reply, make_member):
    _reply, message = live_reply
    client = client_for(make_member("carol", language="fr"))
    client.cookies["django_language"] = "fr"

    html = client.get(message["url"], headers={"accept-language": "fr"}).content.decode()

    assert 'aria-label="Lien vers ce message"' in html


# Who may fetch it ------------------------------------------------------------------------------


def test_a_visitor_gets_a_reply_in_a_public_thread(live_reply):
    _reply, message = live_reply

    assert client_for(None).get(message["url"]).status_code == 200


@pytest.fixture
def staff_only_reply(make_thread, staff_category, staff_member, make_member):
    thread = make_thread(
        category=staff_category,
        author=staff_member,
        title="Recall of batch 7",
        replies=[(make_member("planner", staff=True), "Quietly.")],
    )
    return thread.posts.get(is_opening=False)


@pytest.mark.parametrize(("who", "status"), [("visitor", 404), ("member", 404), ("staff", 200), ("moderator", 200)])
def test_a_reply_in_a_staff_only_thread_exists_only_for_staff_and_moderators(
    staff_only_reply, who, status, member, staff_member, moderator
):
    reader = {"member": member, "staff": staff_member, "moderator": moderator}.get(who)

    response = client_for(reader).get(reverse("forum:post_fragment", args=[staff_only_reply.pk]))

    assert response.status_code == status


@pytest.mark.parametrize(
    ("visibility", "who", "status"),
    [
        (Visibility.HIDDEN, "visitor", 404),
        (Visibility.HIDDEN, "member", 404),
        (Visibility.HIDDEN, "author", 200),
        (Visibility.HIDDEN, "moderator", 200),
        (Visibility.DELETED, "member", 404),
        (Visibility.DELETED, "author", 404),
        (Visibility.DELETED, "moderator", 200),
    ],
)
def test_a_hidden_or_deleted_reply_is_fetched_only_by_those_who_may_read_it(
    live_reply, visibility, who, status, member, other_member, moderator
):
    reply, message = live_reply
    services.set_post_visibility(post=reply, by=moderator, visibility=visibility, reason="Off topic")
    reader = {"member": member, "author": other_member, "moderator": moderator}.get(who)

    response = client_for(reader).get(message["url"])

    assert response.status_code == status
    if status == 200:
        assert "Hold the <strong>power</strong> button." in response.content.decode()


def test_a_post_that_does_not_exist_is_not_found(member):
    assert client_for(member).get(reverse("forum:post_fragment", args=[999999])).status_code == 404


def test_the_fragment_only_answers_reads(live_reply, member):
    _reply, message = live_reply

    assert client_for(member).post(message["url"]).status_code == 405


@pytest.mark.parametrize("who", ["visitor", "member", "moderator"])
def test_a_fragment_renders_within_a_fixed_query_budget(
    live_reply, who, make_member, moderator, django_assert_max_num_queries
):
    _reply, message = live_reply
    reader = {"member": make_member("carol"), "moderator": moderator}.get(who)
    client = client_for(reader)
    client.get("/")  # the session and the cached announcement, as on an open page

    with django_assert_max_num_queries(FRAGMENT_MAX_QUERIES):
        response = client.get(message["url"])

    assert response.status_code == 200
