"""Publish to WebSocket groups after the transaction commits: the one way out to open sockets.

Services and receivers never send from inside a transaction: they call on_commit() with a
function that builds the pushes once the rows are committed (so it reads them as committed,
outside SQLite's write lock). A push that fails (channel layer down or full) is logged and
never turns the request into an error: the notification row is already saved, and the
client gets it by resuming.

Each relayed message carries its audience (notifications.access), read after the commit,
which the consumer checks against the reader when the message arrives.
"""

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import NamedTuple

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from notifications import access
from notifications.groups import MODERATORS, STAFF, member_group, thread_group

__all__ = ["Push", "control", "member_group", "on_commit", "relay", "send_many", "thread_group", "to_thread"]

log = logging.getLogger(__name__)

# Who may receive what is published to a group of roles, whatever the message.
GROUP_AUDIENCE = {MODERATORS: access.MODERATORS_ONLY, STAFF: access.STAFF_ONLY}


class Push(NamedTuple):
    group: str
    event: dict


def relay(group: str, message: dict, audience: dict | None = None) -> Push:
    """A message for the browser, delivered to readers the audience admits."""
    audience = audience or GROUP_AUDIENCE.get(group)
    return Push(group, {"type": "relay", "group": group, "message": message, "audience": audience})


def control(group: str, kind: str, **fields) -> Push:
    """An instruction to the consumers of a group (never forwarded to the browser)."""
    return Push(group, {"type": kind, **fields})


def to_thread(thread_id: int, message: dict) -> list[Push]:
    """A message for the readers of a thread, as the thread is now: none if it is gone."""
    audience = access.of_threads([thread_id]).get(thread_id)
    return [relay(thread_group(thread_id), message, audience)] if audience else []


def send_many(pushes: Iterable[Push]):
    """Send in one trip to the event loop: a fan-out to a hundred followers costs one thread
    hop, not a hundred. Failures are logged per group."""
    pushes = list(pushes)
    if not pushes:
        return
    try:
        layer = get_channel_layer()
    except Exception:
        log.warning("channel layer unavailable; clients will catch up on reconnect", exc_info=True)
        return
    if layer is None:
        return

    async def send_all():
        results = await asyncio.gather(
            *(layer.group_send(push.group, push.event) for push in pushes), return_exceptions=True
        )
        for push, result in zip(pushes, results, strict=True):
            if isinstance(result, BaseException):
                log.warning("push to %s failed; the client will catch up on reconnect", push.group, exc_info=result)

    try:
        async_to_sync(send_all)()
    except Exception:  # the channel layer is an optimisation: never fail the caller
        log.warning("push failed; clients will catch up on reconnect", exc_info=True)


def on_commit(build: Callable[[], Iterable[Push]]):
    """After the commit, send what `build()` returns. It runs outside the transaction (so not
    while SQLite's write lock is held); if it fails, that is logged and the request is unharmed."""
    transaction.on_commit(lambda: send_many(build()), robust=True)
