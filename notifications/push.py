"""Publish to WebSocket groups after the transaction commits.

A push that fails (channel layer down or full) is logged and never turns the
request into an error: the notification row is already saved, and the client
gets it by resuming.
"""

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from notifications.groups import member_group, thread_group

__all__ = ["member_group", "send_now", "thread_group", "to_members_on_commit", "to_thread_on_commit"]

log = logging.getLogger(__name__)


def send_now(groups: list[str], message: dict):
    send_many([(group, message) for group in groups])


def send_many(pairs: list[tuple[str, dict]]):
    """Send (group, message) pairs in one trip to the event loop: a fan-out to a hundred
    followers costs one thread hop, not a hundred. Failures are logged per group."""
    if not pairs:
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
            *(layer.group_send(group, {"type": "relay", "message": message}) for group, message in pairs),
            return_exceptions=True,
        )
        for (group, _message), result in zip(pairs, results, strict=True):
            if isinstance(result, BaseException):
                log.warning("push to %s failed; the client will catch up on reconnect", group, exc_info=result)

    try:
        async_to_sync(send_all)()
    except Exception:  # the channel layer is an optimisation: never fail the caller
        log.warning("push failed; clients will catch up on reconnect", exc_info=True)


def to_members_on_commit(member_ids, message_for):
    """After commit, send `message_for(member_id)` to each member's group."""
    ids = list(dict.fromkeys(member_ids))
    if ids:
        transaction.on_commit(lambda: send_many([(member_group(pk), message_for(pk)) for pk in ids]))


def to_thread_on_commit(thread_id: int, message_for):
    """After commit, send `message_for()` to the thread's readers. The message is built then,
    outside the transaction (so not while SQLite's write lock is held); if building it fails,
    that is logged and the request is unharmed."""
    transaction.on_commit(lambda: send_many([(thread_group(thread_id), message_for())]), robust=True)
