"""Delivery over the member's WebSocket: the real ASGI stack, the real channel layer, the real services.

The forum services run in a worker thread (database_sync_to_async) as a view
would; their after-commit push goes through the configured channel layer
(in-memory by default, Redis with REDIS_URL) to the consumer, and the test
reads what a browser would receive.
"""

import asyncio
import json
import logging

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from django.utils import translation

from forum import services
from notifications.models import Kind, Notification, Preference
from notifications.services import RESUME_PAGE, notify, set_preferences
from tests.notifications.test_socket import session_cookie_for, socket

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 5
# Nothing listens on port 1: connecting is refused at once, as with a Redis that is down.
UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
    }
}


@pytest.fixture
async def sockets():
    """Open a socket, check it was accepted and greeted; each is closed at the end of the test."""
    opened = []

    async def connect(person_cookie):
        communicator = socket(cookie=person_cookie)
        opened.append(communicator)
        connected, code = await communicator.connect(timeout=TIMEOUT)
        assert connected, f"socket refused with {code}"
        assert (await communicator.receive_json_from(timeout=TIMEOUT))["type"] == "hello"
        return communicator

    yield connect
    for communicator in opened:
        await communicator.disconnect()


async def receive_until(communicator, kind: str) -> list[dict]:
    """Every message up to and including the first of type `kind`."""
    received = []
    while not received or received[-1]["type"] != kind:
        received.append(await communicator.receive_json_from(timeout=TIMEOUT))
    return received


async def receive_all(communicator, quiet: float = 0.3) -> list[dict]:
    """Every message until the socket has been quiet for `quiet` seconds."""
    received = []
    while not await communicator.receive_nothing(timeout=quiet):
        received.append(await communicator.receive_json_from(timeout=TIMEOUT))
    return received


post_reply = database_sync_to_async(services.post_reply)


@database_sync_to_async
def rows_of(member) -> list[Notification]:
    return list(Notification.objects.filter(recipient=member).order_by("id"))


@pytest.fixture
def thread(discussion, start_thread, member):
    return start_thread(category=discussion, author=member, title="How do I pair my lamp?")


@pytest.fixture
def staff_thread(staff_category, start_thread, staff_member):
    return start_thread(category=staff_category, author=staff_member, title="Launch date of the new lamp")


@pytest.fixture
def alice_cookie(member):
    return session_cookie_for(member)


@pytest.fixture
def bruno_cookie(other_member):
    return session_cookie_for(other_member)


@pytest.fixture
def carol_cookie(carol):
    return session_cookie_for(carol)


# Live -------------------------------------------------------------------------------------


async def test_a_connected_member_is_told_at_once_when_someone_replies(
    channel_layer, sockets, thread, member, other_member, alice_cookie
):
    alice = await sockets(alice_cookie)

    await post_reply(thread=thread, author=other_member, body="Hold the button.")

    message = await alice.receive_json_from(timeout=TIMEOUT)
    [n] = await rows_of(member)
    # When the push left, right after the commit: at or after the row's own time.
    assert message.pop("committed") >= n.updated_at.isoformat()
    assert message == {
        "type": "notification",
        "id": n.pk,
        "kind": Kind.REPLY,
        "text": "Bruno Lefèvre replied to “How do I pair my lamp?”",
        "url": f"/notifications/{n.pk}/open/",
        "created": n.updated_at.isoformat(),
        "count": 1,
        "unread": 1,
    }
    assert await alice.receive_nothing(timeout=0.3)


async def test_a_second_reply_pushes_the_collapsed_notification_with_its_new_count(
    channel_layer, sockets, thread, member, other_member, carol, alice_cookie
):
    alice = await sockets(alice_cookie)
    await post_reply(thread=thread, author=other_member, body="Hold the button.")
    first = await alice.receive_json_from(timeout=TIMEOUT)

    await post_reply(thread=thread, author=carol, body="Or unplug it.")

    second = await alice.receive_json_from(timeout=TIMEOUT)
    assert (second["id"], second["count"], second["unread"]) == (first["id"], 2, 1)
    assert second["text"] == "2 new replies to “How do I pair my lamp?”"


async def test_the_replier_hears_only_of_their_own_badge_and_not_of_the_reply(
    channel_layer, sockets, thread, other_member, bruno_cookie
):
    bruno = await sockets(bruno_cookie)

    await post_reply(thread=thread, author=other_member, body="Hold the button.")

    messages = await receive_all(bruno)
    assert [(m["type"], m["kind"]) for m in messages] == [("notification", Kind.BADGE)]
    assert messages[0]["text"] == "You earned the badge “First answer”"


async def test_a_notification_hidden_from_the_site_is_not_pushed(
    channel_layer, sockets, thread, member, other_member, alice_cookie
):
    await database_sync_to_async(set_preferences)(
        member=member, choices={Kind.REPLY: (False, Preference.Email.IMMEDIATE)}
    )
    alice = await sockets(alice_cookie)

    await post_reply(thread=thread, author=other_member, body="Hold the button.")

    assert len(await rows_of(member)) == 1  # kept for the email
    assert await alice.receive_nothing(timeout=0.5)


async def test_marking_read_elsewhere_pushes_the_new_unread_count(
    channel_layer, sockets, thread, member, other_member, alice_cookie
):
    from notifications.services import mark_read

    await post_reply(thread=thread, author=other_member, body="Hold the button.")
    [n] = await rows_of(member)
    alice = await sockets(alice_cookie)

    await database_sync_to_async(mark_read)(notification=n, member=member)

    assert await alice.receive_json_from(timeout=TIMEOUT) == {"type": "unread", "count": 0}


# Resume -----------------------------------------------------------------------------------


async def test_resuming_sends_every_later_notification_oldest_first_then_the_unread_count(
    channel_layer, sockets, thread, member, other_member, carol, dmitri, alice_cookie
):
    await post_reply(thread=thread, author=other_member, body="@alice, hold the button.")
    await post_reply(thread=thread, author=carol, body="@alice, or unplug it.")
    await post_reply(thread=thread, author=dmitri, body="Mine blinks too.")
    seen, *missed = await rows_of(member)
    alice = await sockets(alice_cookie)

    await alice.send_json_to({"type": "resume", "after": seen.pk})

    messages = await receive_until(alice, "unread")
    assert [(m["type"], m.get("id"), m.get("kind")) for m in messages] == [
        ("notification", missed[0].pk, Kind.MENTION),
        ("notification", missed[1].pk, Kind.REPLY),
        ("unread", None, None),
    ]
    assert messages[0]["text"] == "Carol Nguyen mentioned you in “How do I pair my lamp?”"
    assert messages[-1] == {"type": "unread", "count": 3}
    assert await alice.receive_nothing(timeout=0.3)


async def test_resuming_from_the_latest_id_sends_only_the_unread_count(
    channel_layer, sockets, thread, member, other_member, alice_cookie
):
    await post_reply(thread=thread, author=other_member, body="Hold the button.")
    [n] = await rows_of(member)
    alice = await sockets(alice_cookie)

    await alice.send_json_to({"type": "resume", "after": n.pk})

    assert await receive_until(alice, "unread") == [{"type": "unread", "count": 1}]


async def test_resuming_after_a_long_absence_sends_every_missed_notification_oldest_first(
    channel_layer, sockets, thread, member, other_member, alice_cookie
):
    """More than a page of them: the server reads them page by page and sends them all."""

    @database_sync_to_async
    def many_mentions(n):
        for _ in range(n):
            notify(recipients=[member], kind=Kind.MENTION, actor=other_member, thread=thread)

    missed = 2 * RESUME_PAGE + 5
    await many_mentions(missed)
    ids = [n.pk for n in await rows_of(member)]
    alice = await sockets(alice_cookie)

    await alice.send_json_to({"type": "resume", "after": 0})

    messages = await receive_until(alice, "unread")
    assert [m["id"] for m in messages[:-1]] == ids
    assert messages[-1] == {"type": "unread", "count": missed}


async def test_a_reply_posted_while_the_channel_layer_is_down_succeeds_and_is_delivered_on_resume(
    settings, channel_layer, sockets, thread, member, other_member, alice_cookie, caplog
):
    working = settings.CHANNEL_LAYERS
    settings.CHANNEL_LAYERS = UNREACHABLE_REDIS
    channel_layers.backends = {}

    with caplog.at_level(logging.WARNING, logger="web.push"):
        reply = await post_reply(thread=thread, author=other_member, body="Hold the button.")

    assert reply.pk is not None
    [n] = await rows_of(member)
    assert f"push to member.{member.pk} failed" in caplog.text

    settings.CHANNEL_LAYERS = working  # Redis is back
    channel_layers.backends = {}
    alice = await sockets(alice_cookie)
    await alice.send_json_to({"type": "resume", "after": 0})

    messages = await receive_until(alice, "unread")
    assert [(m["type"], m.get("id")) for m in messages] == [("notification", n.pk), ("unread", None)]
    assert messages[-1]["count"] == 1


# Thread subscriptions ---------------------------------------------------------------------


async def test_a_reader_subscribed_to_a_thread_is_told_of_each_new_reply_and_where_to_fetch_it(
    channel_layer, sockets, thread, other_member, carol_cookie
):
    """The page fetches the reply rendered for its reader (tests/forum/test_post_fragment.py)."""
    carol = await sockets(carol_cookie)
    await carol.send_json_to({"type": "subscribe", "thread": thread.pk})
    assert await carol.receive_json_from(timeout=TIMEOUT) == {"type": "subscribed", "thread": thread.pk}

    reply = await post_reply(thread=thread, author=other_member, body="Hold the **power** button.")

    message = await carol.receive_json_from(timeout=TIMEOUT)
    assert (message["type"], message["thread"], message["post"]) == ("reply", thread.pk, reply.pk)
    assert message["url"] == f"/p/{reply.pk}/fragment/"
    assert message["replies"]["count"] == 1
    assert "html" not in message
    assert await carol.receive_nothing(timeout=0.3)  # carol is neither author nor follower: no notification


async def test_a_live_reply_count_comes_in_each_language_whatever_the_replier_reads(
    channel_layer, sockets, thread, other_member, carol_cookie
):
    """Readers of one thread read it in different languages; the page picks its own."""
    carol = await sockets(carol_cookie)
    await carol.send_json_to({"type": "subscribe", "thread": thread.pk})
    await carol.receive_json_from(timeout=TIMEOUT)

    other_member.language = "fr"
    await database_sync_to_async(other_member.save)()
    with translation.override("fr"):  # the replier's request runs in French
        await post_reply(thread=thread, author=other_member, body="Maintenez le bouton.")

    replies = (await carol.receive_json_from(timeout=TIMEOUT))["replies"]
    assert replies["text"] == {"en": "1 reply", "fr": "1 réponse"}


async def test_subscribing_to_another_thread_leaves_the_first(
    channel_layer, sockets, discussion, start_thread, thread, member, other_member, carol_cookie
):
    other_thread = await database_sync_to_async(start_thread)(category=discussion, author=member)
    carol = await sockets(carol_cookie)
    for target in (thread, other_thread):
        await carol.send_json_to({"type": "subscribe", "thread": target.pk})
        assert (await carol.receive_json_from(timeout=TIMEOUT))["type"] == "subscribed"

    await post_reply(thread=thread, author=other_member, body="Hold the button.")

    assert await carol.receive_nothing(timeout=0.5)


async def test_a_member_cannot_subscribe_to_a_staff_only_thread_nor_see_its_replies(
    channel_layer, sockets, staff_thread, moderator, carol_cookie
):
    carol = await sockets(carol_cookie)

    await carol.send_json_to({"type": "subscribe", "thread": staff_thread.pk})
    assert await carol.receive_json_from(timeout=TIMEOUT) == {"type": "error", "error": "not-allowed"}

    await post_reply(thread=staff_thread, author=moderator, body="Next Tuesday, @carol must not know.")
    assert await carol.receive_nothing(timeout=0.5)


async def test_staff_may_subscribe_to_a_staff_only_thread(channel_layer, sockets, staff_thread, moderator):
    marc = await sockets(await database_sync_to_async(session_cookie_for)(moderator))

    await marc.send_json_to({"type": "subscribe", "thread": staff_thread.pk})

    assert await marc.receive_json_from(timeout=TIMEOUT) == {"type": "subscribed", "thread": staff_thread.pk}


async def test_subscribing_to_a_thread_that_does_not_exist_is_an_error(channel_layer, sockets, carol_cookie):
    carol = await sockets(carol_cookie)

    await carol.send_json_to({"type": "subscribe", "thread": 987_654})

    assert await carol.receive_json_from(timeout=TIMEOUT) == {"type": "error", "error": "not-allowed"}


async def test_resuming_with_the_time_of_the_newest_message_seen_resends_what_collapsed_since(
    channel_layer, sockets, thread, member, other_member, carol, alice_cookie
):
    """A second reply collapses into the unread first one, which keeps its id."""
    await post_reply(thread=thread, author=other_member, body="Hold the button.")
    alice = await sockets(alice_cookie)
    await alice.send_json_to({"type": "resume", "after": 0})
    [seen, _unread] = await receive_until(alice, "unread")
    await alice.disconnect()

    await post_reply(thread=thread, author=carol, body="Or unplug it.")  # while alice is away
    alice = await sockets(alice_cookie)
    await alice.send_json_to({"type": "resume", "after": seen["id"], "since": seen["created"]})

    [again, unread] = await receive_until(alice, "unread")
    assert (again["id"], again["count"]) == (seen["id"], 2)
    assert again["text"] == "2 new replies to “How do I pair my lamp?”"
    assert unread == {"type": "unread", "count": 1}


async def test_resuming_with_the_time_of_the_newest_message_seen_resends_nothing_when_nothing_changed(
    channel_layer, sockets, thread, member, other_member, alice_cookie
):
    await post_reply(thread=thread, author=other_member, body="Hold the button.")
    alice = await sockets(alice_cookie)
    await alice.send_json_to({"type": "resume", "after": 0})
    [seen, _unread] = await receive_until(alice, "unread")

    await alice.send_json_to({"type": "resume", "after": seen["id"], "since": seen["created"]})

    assert await receive_until(alice, "unread") == [{"type": "unread", "count": 1}]


# Whatever a member sends, they get only their own -------------------------------------------

HOSTILE = [
    {"type": "resume", "after": -1},
    {"type": "resume", "after": "0"},
    {"type": "resume", "after": None},
    {"type": "resume", "after": 1.5},
    {"type": "resume", "after": 10**30},
    {"type": "resume", "after": -(10**30)},
    {"type": "resume", "after": [0]},
    {"type": "resume"},
    {"type": "resume", "after": 0, "member": "{bruno}", "group": "member.{bruno}"},
    {"type": "resume", "after": 0, "since": "2000-01-01T00:00:00+00:00"},
    {"type": "resume", "after": 0, "since": "2000-01-01T00:00:00"},
    {"type": "resume", "after": 0, "since": "2000-13-45T99:99:99+00:00"},
    {"type": "resume", "after": 0, "since": "x" * 10_000},
    {"type": "resume", "after": 0, "since": 0},
    {"type": "resume", "after": 0, "since": ["2000-01-01T00:00:00+00:00"]},
    {"type": "subscribe", "thread": "{staff_thread}"},
    {"type": "subscribe", "thread": "{staff_thread}.0"},
    {"type": "subscribe", "thread": 10**30},
    {"type": "subscribe", "thread": -(10**30)},
    {"type": "subscribe", "thread": {"pk": "{staff_thread}"}},
    {"type": "subscribe"},
    {"type": "relay", "message": {"type": "notification", "id": 1}},
    {"type": "websocket.disconnect"},
    {"type": None},
    {"type": ["resume"]},
    {"no": "type"},
    [],
    "resume",
    12,
    None,
]


async def test_a_member_never_receives_another_members_messages_whatever_they_send(
    channel_layer, sockets, thread, staff_thread, member, other_member, moderator, alice_cookie
):
    # bruno has notifications of his own (a badge), and the staff thread has a reply.
    await post_reply(thread=thread, author=other_member, body="Hold the button.")
    await post_reply(thread=staff_thread, author=moderator, body="Tuesday.")
    bruno_ids = {n.pk for n in await rows_of(other_member)}
    alice_ids = {n.pk for n in await rows_of(member)}
    assert bruno_ids and alice_ids
    alice = await sockets(alice_cookie)
    ids = {"{bruno}": str(other_member.pk), "{staff_thread}": str(staff_thread.pk)}

    for hostile in HOSTILE:
        text = json.dumps(hostile)
        for placeholder, value in ids.items():
            text = text.replace(placeholder, value)
        await alice.send_to(text_data=text)
    await alice.send_to(text_data="{not json")
    await alice.send_to(text_data=" ")
    await alice.send_to(bytes_data=b'{"type": "resume", "after": 0}')
    await alice.send_json_to({"type": "ping"})
    received = await receive_until(alice, "pong")
    await post_reply(thread=staff_thread, author=moderator, body="Wednesday, in fact.")
    received += await receive_all(alice, quiet=0.5)

    notified = {m["id"] for m in received if m["type"] == "notification"}
    assert notified and notified <= alice_ids
    assert {m["type"] for m in received} <= {"notification", "unread", "error", "pong"}
    assert all(m["count"] == 1 for m in received if m["type"] == "unread")
    assert not any("Tuesday" in json.dumps(m) or "Wednesday" in json.dumps(m) for m in received)


async def test_a_socket_survives_malformed_frames(channel_layer, sockets, alice_cookie):
    alice = await sockets(alice_cookie)

    await alice.send_to(text_data="{not json")
    await alice.send_to(bytes_data=b"\x00\xff")

    await alice.send_json_to({"type": "ping"})
    assert await alice.receive_json_from(timeout=TIMEOUT) == {"type": "pong"}


async def test_two_members_connected_at_once_each_get_only_their_own(
    channel_layer, sockets, thread, member, other_member, carol, alice_cookie, carol_cookie
):
    alice, carol_socket = await sockets(alice_cookie), await sockets(carol_cookie)
    await database_sync_to_async(services.follow_thread)(thread=thread, member=carol)

    await post_reply(thread=thread, author=other_member, body="@alice: hold the button.")

    to_alice, to_carol = await asyncio.gather(receive_all(alice), receive_all(carol_socket))
    alice_rows, carol_rows = await rows_of(member), await rows_of(carol)
    assert (
        [(m["id"], m["kind"]) for m in to_alice]
        == [(n.pk, n.kind) for n in alice_rows]
        == [(alice_rows[0].pk, "mention")]
    )
    assert [(m["id"], m["kind"]) for m in to_carol] == [(carol_rows[0].pk, Kind.FOLLOWED_REPLY)]
