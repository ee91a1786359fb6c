"""The Redis channel layer losing its server: pushes fail fast, and open sockets are told to
catch up as soon as the layer's subscription is back.

Each test runs its own redis-server (tests/redis_server.py) and stops it; the layer is
channels-redis's pub/sub one with the connection class of the settings (web/channel_layer.py).
"""

import asyncio
import logging
import secrets
import socket
import time

import pytest
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.test import override_settings

from notifications import liveness
from tests.redis_server import RedisServer
from web import channel_layer, push
from web.channel_layer import WatchedConnection

RECONNECT_TIMEOUT = 5


@pytest.fixture
def server():
    server = RedisServer().start()
    yield server
    server.stop()


def layer_config(url: str) -> dict:
    return {
        "hosts": [
            {
                "address": url,
                "socket_timeout": None,
                "socket_connect_timeout": 0.5,
                "connection_class": WatchedConnection,
            }
        ],
        "prefix": f"outage-{secrets.token_hex(4)}",
    }


@pytest.fixture
def quick_breaker(monkeypatch):
    """Forget failures of earlier tests, and let a failure keep pushes away for 0.3 s only."""
    monkeypatch.setattr(channel_layer, "RETRY_AFTER", 0.3)
    monkeypatch.setattr(channel_layer, "_last_failure", float("-inf"))
    monkeypatch.setattr(channel_layer, "_down_since", None)


class Tab:
    """What liveness needs of a consumer: an open socket it can send JSON to."""

    def __init__(self):
        self.received = asyncio.Queue()

    async def send_json(self, content):
        self.received.put_nowait(content)


async def wait_until(condition, timeout: float):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_open_sockets_are_told_to_resync_as_soon_as_the_layer_reaches_redis_again(server, quick_breaker):
    layer = RedisPubSubChannelLayer(**layer_config(server.url()))
    channel = await layer.new_channel()
    await layer.group_add("member-1", channel)
    open_tab, closed_tab = Tab(), Tab()
    liveness.register(open_tab)
    liveness.register(closed_tab)
    liveness.unregister(closed_tab)
    try:
        server.stop()
        await wait_until(lambda: channel_layer.down_since() is not None, RECONNECT_TIMEOUT)
        assert open_tab.received.empty()

        server.start()  # the same port, an empty server: every subscription was lost
        started = time.monotonic()
        assert await asyncio.wait_for(open_tab.received.get(), RECONNECT_TIMEOUT) == {"type": "resync"}
        resynced_after = time.monotonic() - started

        # By then the subscription is back: a push reaches the socket's channel again.
        await layer.group_send("member-1", {"type": "relay", "n": 1})
        assert await asyncio.wait_for(layer.receive(channel), 2) == {"type": "relay", "n": 1}
        assert closed_tab.received.empty()
        assert channel_layer.down_since() is None
        assert resynced_after < 2.5, f"the resync came {resynced_after:.1f}s after Redis was back"
    finally:
        liveness.unregister(open_tab)
        await layer.flush()


@pytest.fixture
def layer_on(request):
    def configure(url: str):
        override = override_settings(
            CHANNEL_LAYERS={
                "default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer", "CONFIG": layer_config(url)}
            }
        )
        override.enable()
        request.addfinalizer(override.disable)

    return configure


def test_a_push_with_the_layers_redis_stopped_fails_at_once_is_logged_and_pauses_pushes(
    server, layer_on, quick_breaker, caplog
):
    caplog.set_level(logging.INFO)
    layer_on(server.url())
    server.stop()
    pushes = [push.relay(f"member-{n}", {"type": "unread", "count": 1}) for n in range(100)]

    started = time.monotonic()
    push.send_many(pushes)  # never raises
    first = time.monotonic() - started
    started = time.monotonic()
    push.send_many(pushes)
    second = time.monotonic() - started

    assert first < 0.5, f"a push to a stopped Redis took {first:.2f}s"
    assert second < 0.05, f"with Redis known to be down, a push took {second:.3f}s"
    messages = [record.getMessage() for record in caplog.records]
    assert any("cannot reach Redis" in message for message in messages)
    assert any("(100 of 100 failed)" in message for message in messages)
    assert any("100 pushes skipped" in message for message in messages)


def test_a_push_to_a_redis_that_never_answers_gives_up_within_the_push_timeout(layer_on, quick_breaker, caplog):
    # A server that accepts the connection and then says nothing (a hung Redis, a full backlog).
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    try:
        layer_on(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        started = time.monotonic()
        push.send_many([push.relay("member-1", {"type": "unread", "count": 1})])
        elapsed = time.monotonic() - started
    finally:
        silent.close()

    assert elapsed < push.PUSH_TIMEOUT + 0.5, f"the push held the request {elapsed:.1f}s"
    assert channel_layer.unreachable()  # the next pushes of this process skip Redis for a moment
    assert any("timed out" in record.getMessage() for record in caplog.records)
