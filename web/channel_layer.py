"""The channel layer's Redis connections, watched: outages are noticed, and the return too.

channels-redis's pub/sub layer (4.3) accepts `on_disconnect` and `on_reconnect` in its
config but never calls them: redis-py reconnects the subscribed connection by itself,
inside `get_message`, and subscribes it again from a connect callback. So the layer's host
config names this class as its `connection_class`, which sees every connect:

- a connect that fails marks the layer down (logged once per outage); for RETRY_AFTER
  seconds after a failure, `unreachable()` is true and pushes skip Redis instead of each
  trying it (web/push.py);
- the subscribed connection connecting again (its channels subscribed again by then) runs
  the callbacks registered with `on_reconnect`: pub/sub kept nothing for this process
  meanwhile, so open pages are told to ask for what they missed (notifications/liveness.py);
- channels-redis's own log of each failed retry (one traceback a second) is kept quiet
  while the outage is known.

Only plain redis:// addresses are watched: for rediss:// and unix:// redis-py chooses its
own connection class, and pages then catch up at their next periodic resume.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from redis.asyncio.connection import Connection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

# After a failed connect, pushes skip Redis for this long: during an outage the subscriber
# retries about every second, which keeps it fresh; once Redis answers, pushes resume.
RETRY_AFTER = 2.0

_reconnect_callbacks: list[Callable[[], Awaitable[None]]] = []
_tasks: set[asyncio.Task] = set()
_down_since: float | None = None
_last_failure = float("-inf")


def on_reconnect(callback: Callable[[], Awaitable[None]]):
    """Run `await callback()` (on the layer's event loop) each time the subscription is back."""
    if callback not in _reconnect_callbacks:
        _reconnect_callbacks.append(callback)
    return callback


def unreachable() -> bool:
    """A connect to the layer's Redis failed in the last RETRY_AFTER seconds."""
    return time.monotonic() - _last_failure < RETRY_AFTER


def down_since() -> float | None:
    """When (time.monotonic()) the current outage began, as this process saw it; None if none."""
    return _down_since


def report_failure(error: BaseException):
    """A call to the layer's Redis failed or never answered: pushes skip it for RETRY_AFTER seconds."""
    global _down_since, _last_failure
    _last_failure = time.monotonic()
    if _down_since is None:
        _down_since = _last_failure
        log.warning(
            "the channel layer cannot reach Redis (%s): live pushes pause; pages catch up when it is back", error
        )


def _answered():
    global _down_since, _last_failure
    _last_failure = float("-inf")
    if _down_since is not None:
        log.warning("the channel layer reaches Redis again after %.0f s", time.monotonic() - _down_since)
        _down_since = None


def _run_reconnect_callbacks():
    for callback in list(_reconnect_callbacks):
        task = asyncio.get_running_loop().create_task(callback())
        _tasks.add(task)
        task.add_done_callback(_finished)


def _finished(task: asyncio.Task):
    _tasks.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.warning("a channel-layer reconnect callback failed", exc_info=task.exception())


class _QuietWhileDown(logging.Filter):
    """channels-redis logs its receive loop's failure, with a traceback, every second of an
    outage; the outage is logged once here, so those repeats are dropped while it lasts."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (_down_since is not None and record.msg == "Unexpected exception in receive task")


logging.getLogger("channels_redis.pubsub").addFilter(_QuietWhileDown())


class WatchedConnection(Connection):
    """redis-py's asyncio Connection, reporting connects to this module."""

    _subscriber = False
    _connected_before = False

    def register_connect_callback(self, callback):
        # Only redis-py's PubSub registers one (to subscribe again after a reconnect):
        # this connection carries the process's subscriptions.
        self._subscriber = True
        super().register_connect_callback(callback)

    async def connect_check_health(self, *args, **kwargs):
        if self.is_connected:
            return await super().connect_check_health(*args, **kwargs)
        try:
            await super().connect_check_health(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError, OSError) as error:
            report_failure(error)
            raise
        _answered()
        reconnected = self._connected_before
        self._connected_before = True
        if reconnected and self._subscriber:
            _run_reconnect_callbacks()
