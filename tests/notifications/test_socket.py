"""The member's WebSocket through the real ASGI stack (config.asgi.application).

AllowedHostsOriginValidator, then AuthMiddlewareStack reading the Django session
cookie, then MemberConsumer. Messages go through the configured channel layer:
in-memory by default, Redis when REDIS_URL is set (as in CI).
"""

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from config.asgi import application
from notifications.consumers import CLOSE_NOT_ALLOWED
from web.push import member_group

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = b"http://127.0.0.1"
HOST = b"127.0.0.1"
TIMEOUT = 3


def session_cookie_for(person) -> bytes:
    """Log in as a browser would and return the Cookie header it would send."""
    browser = Client()
    browser.force_login(person)
    session_id = browser.cookies[settings.SESSION_COOKIE_NAME].value
    return f"{settings.SESSION_COOKIE_NAME}={session_id}".encode()


def socket(cookie: bytes | None = None, origin: bytes | None = ORIGIN, host: bytes = HOST) -> WebsocketCommunicator:
    headers = [(b"host", host)]
    if origin is not None:
        headers.append((b"origin", origin))
    if cookie is not None:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, "/ws/", headers=headers)


@pytest.fixture
async def sockets():
    """Open sockets, each disconnected at the end of the test."""
    opened = []

    async def connect(communicator):
        opened.append(communicator)
        return await communicator.connect(timeout=TIMEOUT)

    yield connect
    for communicator in opened:
        await communicator.disconnect()


@pytest.fixture
def alice_cookie(member):
    return session_cookie_for(member)


@pytest.fixture
def bruno_cookie(other_member):
    return session_cookie_for(other_member)


def test_the_configured_channel_layer_is_the_one_the_environment_asks_for():
    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if settings.REDIS_URL:
        assert backend == "channels_redis.pubsub.RedisPubSubChannelLayer"
    else:
        assert backend == "notifications.layers.SweepingInMemoryChannelLayer"


async def test_an_anonymous_socket_is_closed(channel_layer, sockets):
    connected, code = await sockets(socket())

    assert not connected
    assert code == CLOSE_NOT_ALLOWED


async def test_a_socket_with_a_made_up_session_cookie_is_closed(channel_layer, sockets, member):
    connected, code = await sockets(socket(cookie=b"sessionid=not-a-session"))

    assert not connected
    assert code == CLOSE_NOT_ALLOWED


async def test_a_socket_from_another_origin_is_refused(channel_layer, sockets, alice_cookie):
    connected, _ = await sockets(socket(cookie=alice_cookie, origin=b"http://evil.example"))

    assert not connected


async def test_a_socket_without_an_origin_header_is_refused(channel_layer, sockets, alice_cookie):
    connected, _ = await sockets(socket(cookie=alice_cookie, origin=None))

    assert not connected


async def test_a_logged_in_member_is_accepted_and_greeted(channel_layer, sockets, member, alice_cookie):
    alice = socket(cookie=alice_cookie)

    connected, _ = await sockets(alice)

    assert connected
    assert await alice.receive_json_from(timeout=TIMEOUT) == {"type": "hello", "member": member.pk}


async def test_a_member_answers_ping_with_pong(channel_layer, sockets, alice_cookie):
    alice = socket(cookie=alice_cookie)
    await sockets(alice)
    await alice.receive_json_from(timeout=TIMEOUT)

    await alice.send_json_to({"type": "ping"})

    assert await alice.receive_json_from(timeout=TIMEOUT) == {"type": "pong"}


async def test_a_message_that_is_not_an_object_is_ignored(channel_layer, sockets, alice_cookie):
    alice = socket(cookie=alice_cookie)
    await sockets(alice)
    await alice.receive_json_from(timeout=TIMEOUT)

    await alice.send_json_to(["ping"])
    await alice.send_json_to({"type": "ping"})

    assert await alice.receive_json_from(timeout=TIMEOUT) == {"type": "pong"}


async def test_a_message_sent_to_a_members_group_reaches_that_member_only(
    channel_layer, sockets, member, other_member, alice_cookie, bruno_cookie
):
    alice, bruno = socket(cookie=alice_cookie), socket(cookie=bruno_cookie)
    assert (await sockets(alice))[0]
    assert (await sockets(bruno))[0]
    assert (await alice.receive_json_from(timeout=TIMEOUT))["member"] == member.pk
    assert (await bruno.receive_json_from(timeout=TIMEOUT))["member"] == other_member.pk
    message = {"type": "notification", "text": "Sophie replied to your thread", "unread": 1}

    await channel_layer.group_send(member_group(member.pk), {"type": "relay", "message": message})

    assert await alice.receive_json_from(timeout=TIMEOUT) == message
    assert await bruno.receive_nothing(timeout=0.3)


async def test_every_tab_of_the_same_member_receives_the_message(channel_layer, sockets, member, alice_cookie):
    tabs = [socket(cookie=alice_cookie), socket(cookie=alice_cookie)]
    for tab in tabs:
        assert (await sockets(tab))[0]
        await tab.receive_json_from(timeout=TIMEOUT)

    await channel_layer.group_send(member_group(member.pk), {"type": "relay", "message": {"type": "notification"}})

    for tab in tabs:
        assert await tab.receive_json_from(timeout=TIMEOUT) == {"type": "notification"}


async def test_a_member_who_reopens_a_closed_socket_still_receives_messages(
    channel_layer, sockets, member, alice_cookie
):
    first, second = socket(cookie=alice_cookie), socket(cookie=alice_cookie)
    await sockets(first)
    await first.receive_json_from(timeout=TIMEOUT)
    await first.disconnect()
    await sockets(second)
    await second.receive_json_from(timeout=TIMEOUT)

    await channel_layer.group_send(member_group(member.pk), {"type": "relay", "message": {"type": "notification"}})

    assert await second.receive_json_from(timeout=TIMEOUT) == {"type": "notification"}


@pytest.fixture
def deactivated_cookie(make_member):
    gone = make_member("gone")
    cookie = session_cookie_for(gone)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    return cookie


async def test_a_deactivated_members_session_is_closed(channel_layer, sockets, deactivated_cookie):
    connected, code = await sockets(socket(cookie=deactivated_cookie))

    assert not connected
    assert code == CLOSE_NOT_ALLOWED
