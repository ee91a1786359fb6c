"""A list's read marks change while it is open: the page's socket hears of replies to the threads
it shows (through the real ASGI stack and channel layer), then asks the reader's marks
(reading.views.marks). Whoever cannot read a thread, or can no longer, hears nothing of it."""

import pytest
from channels.db import database_sync_to_async

from forum import services
from forum.models import Category, Post
from moderation import actions
from reading.services import advance
from tests.notifications.test_delivery import TIMEOUT, sockets  # noqa: F401 (a fixture)
from tests.notifications.test_socket import session_cookie_for
from tests.reading.clients import as_

pytestmark = pytest.mark.django_db(transaction=True)

post_reply = database_sync_to_async(services.post_reply)


@pytest.fixture
def threads(make_thread, discussion, staff_category, member, other_member, staff_member):
    """A thread alice read to its end, one new to her, one in a staff-only category."""
    read = make_thread(category=discussion, author=other_member, title="Pairing the lamp")
    opening = read.posts.get()
    advance(member_pk=member.pk, thread_pk=read.pk, post_pk=opening.pk, read_at=opening.created_at, replies=0)
    new = make_thread(category=discussion, author=other_member, title="Dimming at night")
    staff = make_thread(category=staff_category, author=staff_member, title="Launch date")
    return {"read": read, "new": new, "staff": staff}


@pytest.fixture
async def alice(sockets, member):  # noqa: F811
    return await sockets(await database_sync_to_async(session_cookie_for)(member))


async def listen(socket, *threads, **shows) -> list[int]:
    """The list page's message (`shows`: home=True, category=<pk> or tag=<slug>); the threads heard of."""
    await socket.send_json_to({"type": "list", "threads": [thread.pk for thread in threads], **shows})
    message = await socket.receive_json_from(timeout=TIMEOUT)
    assert message["type"] == "listening"
    return message["threads"]


def marks_of(member, *threads) -> dict:
    query = "&".join(f"thread={thread.pk}" for thread in threads)
    return as_(member).get(f"/reading/marks/?{query}").json()["rows"]


async def test_a_reply_to_a_listed_thread_reaches_the_list_which_then_counts_it_unread(
    channel_layer, threads, alice, member, other_member, carol
):
    read, new = threads["read"], threads["new"]
    assert await listen(alice, read, new) == sorted([read.pk, new.pk])

    reply = await post_reply(thread=read, author=carol, body="Hold the button.")

    message = await alice.receive_json_from(timeout=TIMEOUT)
    assert (message["type"], message["thread"], message["post"]) == ("reply", read.pk, reply.pk)
    marks = await database_sync_to_async(marks_of)(member, read, new)
    assert "1 unread reply" in marks[str(read.pk)]["mark"]
    assert marks[str(read.pk)]["href"] == f"{read.get_absolute_url()}unread/"
    # Never read and started lately by someone else: new.
    await post_reply(thread=new, author=carol, body="Use the app.")
    assert (await alice.receive_json_from(timeout=TIMEOUT))["thread"] == new.pk
    marks = await database_sync_to_async(marks_of)(member, new)
    assert "badge-new" in marks[str(new.pk)]["mark"] and marks[str(new.pk)]["href"] == new.get_absolute_url()


async def test_a_list_hears_nothing_of_a_staff_only_thread_it_names(channel_layer, threads, alice, staff_member):
    assert await listen(alice, threads["read"], threads["staff"]) == [threads["read"].pk]

    await post_reply(thread=threads["staff"], author=staff_member, body="Next Tuesday.")

    assert await alice.receive_nothing(timeout=0.3)


async def test_a_thread_whose_access_was_lost_since_the_page_loaded_is_heard_of_no_more(
    channel_layer, threads, alice, staff_member, moderator
):
    read, new = threads["read"], threads["new"]
    await listen(alice, read, new)
    # Its category turned staff-only without a word to open sockets: checked on delivery.
    await database_sync_to_async(Category.objects.filter(pk=read.category_id).update)(access=Category.Access.STAFF)
    await post_reply(thread=read, author=staff_member, body="Now among staff.")
    assert await alice.receive_nothing(timeout=0.3)

    # Hidden by the moderators: the list leaves it at once.
    await database_sync_to_async(Category.objects.filter(pk=read.category_id).update)(access=Category.Access.PUBLIC)
    opening = await database_sync_to_async(Post.objects.get)(thread=new, is_opening=True)
    await database_sync_to_async(actions.hide_post)(post=opening, by=moderator, reason="Spam")
    await post_reply(thread=new, author=moderator, body="Hidden, and replied to.")
    assert await alice.receive_nothing(timeout=0.3)


async def test_a_new_list_replaces_the_last_and_malformed_lists_are_refused(
    channel_layer, threads, alice, other_member, make_thread, questions
):
    elsewhere = await database_sync_to_async(make_thread)(category=questions, author=other_member)
    await listen(alice, threads["read"])
    assert await listen(alice, elsewhere) == [elsewhere.pk]
    await post_reply(thread=threads["read"], author=other_member, body="On the old list.")
    assert await alice.receive_nothing(timeout=0.3)

    malformed = [{"threads": sent} for sent in ("1,2", [1.5], [-1], [True], [10**30], list(range(1, 200)), None)]
    malformed += [{"threads": [], **shows} for shows in ({"home": 1}, {"category": "2"}, {"tag": ""}, {"tag": 7})]
    malformed.append({"threads": [], "home": True, "category": questions.pk})
    for content in malformed:
        await alice.send_json_to({"type": "list", **content})
        assert await alice.receive_json_from(timeout=TIMEOUT) == {"type": "error", "error": "not-allowed"}, content
