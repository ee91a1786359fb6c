"""The sockets open in this process, told to catch up when the channel layer is back.

The pub/sub layer keeps nothing for a process while its subscription to Redis is down:
what was pushed meanwhile never reaches the sockets it holds (the notification rows are
saved all the same). When the subscription is back (web/channel_layer.py), each socket
open in this process is sent {"type": "resync"}, and the page answers with its resume
message: it catches up at once instead of at its next periodic resume.

The consumer registers itself once accepted and unregisters when it disconnects. Sockets
are held weakly, so a consumer that never unregisters is not kept alive by this.
"""

import asyncio
import logging
import weakref

log = logging.getLogger(__name__)

RESYNC = {"type": "resync"}

# consumer -> the event loop it runs on
_open: "weakref.WeakKeyDictionary[object, asyncio.AbstractEventLoop]" = weakref.WeakKeyDictionary()


def register(consumer):
    """Call from the consumer's own event loop, once the socket is accepted."""
    _open[consumer] = asyncio.get_running_loop()


def unregister(consumer):
    _open.pop(consumer, None)


def open_count() -> int:
    return len(_open)


async def resync_all():
    """Send every registered socket the resync message (a reconnect callback of the layer)."""
    loop = asyncio.get_running_loop()
    here, elsewhere = [], []
    for consumer, its_loop in list(_open.items()):
        if its_loop is loop:
            here.append(consumer.send_json(RESYNC))
        elif not its_loop.is_closed():
            elsewhere.append(
                asyncio.wrap_future(asyncio.run_coroutine_threadsafe(consumer.send_json(RESYNC), its_loop))
            )
    results = await asyncio.gather(*here, *elsewhere, return_exceptions=True)
    failed = sum(isinstance(result, BaseException) for result in results)
    log.info("channel layer back: %d open sockets asked to resume (%d already gone)", len(results), failed)
