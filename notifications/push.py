"""Publish to WebSocket groups after the transaction commits.

A push that fails (channel layer down or full) is logged and never turns the
request into an error: the notification row is already saved, and the client
gets it by resuming.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from notifications.groups import member_group, thread_group

__all__ = ["member_group", "send_now", "thread_group", "to_members_on_commit", "to_thread_on_commit"]

log = logging.getLogger(__name__)


def _send(group: str, message: dict):
    try:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(group, {"type": "relay", "message": message})
    except Exception:  # the channel layer is an optimisation: never fail the caller
        log.warning("push to %s failed; the client will catch up on reconnect", group, exc_info=True)


def send_now(groups: list[str], message: dict):
    for group in groups:
        _send(group, message)


def to_members_on_commit(member_ids, message_for):
    """After commit, send `message_for(member_id)` to each member's group."""
    ids = list(dict.fromkeys(member_ids))
    if ids:
        transaction.on_commit(lambda: [_send(member_group(pk), message_for(pk)) for pk in ids])


def to_thread_on_commit(thread_id: int, message: dict):
    transaction.on_commit(lambda: _send(thread_group(thread_id), message))
