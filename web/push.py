"""Publish to WebSocket groups after the transaction commits: the one way out to open sockets.

Services and receivers never send from inside a transaction: they call on_commit() with a
function that builds the pushes once the rows are committed (so it reads them as committed,
outside SQLite's write lock). A push that fails (channel layer down or full) is logged and
never turns the request into an error: the notification row is already saved, and the
client gets it by resuming.

Each relayed message carries its audience (notifications.access), read after the commit,
which the consumer (notifications.consumers) checks against the reader when the message
arrives. Group names are built here, from server-side ids only.
"""

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import NamedTuple

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from web import channel_layer

log = logging.getLogger(__name__)


def member_group(member_id: int) -> str:
    return f"member.{int(member_id)}"


def thread_group(thread_id: int) -> str:
    return f"thread.{int(thread_id)}"


def category_group(category_id: int) -> str:
    """The open list pages that show a category's threads: its replies and new threads."""
    return f"category.{int(category_id)}"


def tag_group(tag_id: int) -> str:
    """The open pages of a tag: its new threads (named by the tag's id: a slug may not be ASCII)."""
    return f"tag.{int(tag_id)}"


# Every connected member: announcements.
EVERYONE = "everyone"
# Moderators and admins: the live count of the moderation queue.
MODERATORS = "moderators"
# Staff, moderators and admins: the live count of the staff queue.
STAFF = "staff"

# Audiences of role groups (notifications.access checks them on delivery).
MODERATORS_ONLY = {"role": "moderator"}
STAFF_ONLY = {"role": "staff"}

# Seconds a request may spend handing its pushes to the channel layer: a fan-out to a
# thousand groups takes about 0.2 s on Redis; more means Redis is not answering.
PUSH_TIMEOUT = 1.0

# Who may receive what is published to a group of roles, whatever the message.
GROUP_AUDIENCE = {MODERATORS: MODERATORS_ONLY, STAFF: STAFF_ONLY}


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


def listened(groups: Iterable[str]) -> set[str] | None:
    """Those of `groups` that hold a socket now, when the channel layer can tell: the in-memory
    layer serves one process, so it knows every socket of the site (notifications.layers).
    None when it cannot (Redis: the sockets are in other processes too).

    A push to a group with no socket reaches no one; a socket that joins later asks for what it
    missed when it subscribes (resume), so leaving such pushes out loses nothing."""
    try:
        layer = get_channel_layer()
    except Exception:
        return None
    return _listened(layer, groups)


def _listened(layer, groups) -> set[str] | None:
    # Looked up on the class: the Redis pub/sub layer answers any attribute of its instance
    # through the event loop's own layer, and a request's thread has no loop.
    if getattr(type(layer), "listened", None) is None:
        return None
    return layer.listened(groups)


def send_many(pushes: Iterable[Push]):
    """Send in one trip to the event loop: a fan-out to a hundred followers costs one thread
    hop, not a hundred. Never raises, and never holds the caller more than PUSH_TIMEOUT:
    failures are logged once per call, and while the layer's Redis is known to be down,
    pushes are skipped (the rows are saved; clients resume)."""
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
    heard = _listened(layer, {push.group for push in pushes})
    if heard is not None:  # no trip to the event loop for groups that hold no socket
        pushes = [push for push in pushes if push.group in heard]
        if not pushes:
            return
    if channel_layer.unreachable():  # Redis failed a moment ago (logged then): do not wait on it again
        log.info("channel layer unreachable: %d pushes skipped; clients will catch up on resume", len(pushes))
        return

    async def send_all():
        results = await asyncio.wait_for(
            asyncio.gather(*(layer.group_send(push.group, push.event) for push in pushes), return_exceptions=True),
            PUSH_TIMEOUT,
        )
        failed = [(push, result) for push, result in zip(pushes, results, strict=True) if isinstance(result, Exception)]
        if failed:
            push, error = failed[0]
            log.warning(
                "push to %s failed (%d of %d failed); clients will catch up on resume",
                push.group,
                len(failed),
                len(pushes),
                exc_info=error,
            )

    try:
        async_to_sync(send_all)()
    except TimeoutError as error:  # a Redis that accepts connections but does not answer
        channel_layer.report_failure(error)
        log.warning("pushes timed out after %.1f s; clients will catch up on resume", PUSH_TIMEOUT)
    except Exception:  # the channel layer is an optimisation: never fail the caller
        log.warning("pushes failed; clients will catch up on resume", exc_info=True)


def on_commit(build: Callable[[], Iterable[Push]]):
    """After the commit, send what `build()` returns. It runs outside the transaction (so not
    while SQLite's write lock is held); if it fails, that is logged and the request is unharmed."""
    transaction.on_commit(lambda: send_many(build()), robust=True)
