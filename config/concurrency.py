"""At most a few HTTP requests run Django's synchronous code at once, per process.

Under ASGI, Django runs each request's views and middleware in a thread of its
own. Sixteen CPU-bound threads sharing one interpreter lock spend their time
handing it over: on this machine a member's thread page cost 35 ms of CPU with
one request in flight and 80-90 ms each with sixteen, so throughput halved as
load grew. Requests beyond the limit wait on the event loop, which costs nothing,
and then run at full speed. WebSockets are not affected.
"""

import asyncio
import weakref


class BoundedConcurrency:
    """ASGI middleware: at most `limit` calls of `app` in progress at once."""

    def __init__(self, app, limit: int):
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.app = app
        self.limit = limit
        # One semaphore per event loop: a semaphore belongs to the loop it first waits in.
        self._semaphores: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.limit)
        return semaphore

    async def __call__(self, scope, receive, send):
        async with self._semaphore():
            return await self.app(scope, receive, send)
