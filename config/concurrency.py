"""At most a few HTTP requests run Django's synchronous code at once, per process.

Under ASGI, Django runs each request's views and middleware in a thread of its
own. Sixteen CPU-bound threads sharing one interpreter lock spend their time
handing it over: on this machine a member's thread page cost 35 ms of CPU with
one request in flight and 80-90 ms each with sixteen, so throughput halved as
load grew. Requests beyond the limit wait on the event loop, which costs nothing,
and then run at full speed. WebSockets are not affected.

The threads themselves are kept: left to itself, Django starts a thread for each
request and asgiref another to join it when the request ends, and the event loop
waits for each to start (a fifth of the loop's time under load, measured with
py-spy on a member's thread page). The `limit` requests in progress each borrow
one of `limit` long-lived threads instead, through asgiref's
ThreadSensitiveContext with an executor of our own, inside which Django's own
context changes nothing.
"""

import asyncio
import weakref
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext

# Methods that only read: the write limit leaves them alone.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class _Gate:
    """One event loop's side of the limits: semaphores and the threads they hand out."""

    def __init__(self, limit: int, write_limit: int):
        self.semaphore = asyncio.Semaphore(limit)
        self.writers = asyncio.Semaphore(write_limit) if write_limit else None
        # One thread per executor: a request's synchronous code must all run in one thread,
        # for its database connection.
        self.idle = [ThreadPoolExecutor(max_workers=1, thread_name_prefix="http") for _ in range(limit)]


class BoundedConcurrency:
    """ASGI middleware: at most `limit` calls of `app` in progress at once, each running its
    synchronous code in one of `limit` threads kept for the process's life."""

    def __init__(self, app, limit: int, write_limit: int = 0):
        if limit < 1:
            raise ValueError("limit must be at least 1")
        if write_limit < 0:
            raise ValueError("write_limit must be 0 (none) or more")
        self.app = app
        self.limit = limit
        self.write_limit = write_limit
        # One gate per event loop: a semaphore belongs to the loop it first waits in.
        self._gates: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _gate(self) -> _Gate:
        loop = asyncio.get_running_loop()
        gate = self._gates.get(loop)
        if gate is None:
            gate = self._gates[loop] = _Gate(self.limit, self.write_limit)
        return gate

    async def __call__(self, scope, receive, send):
        gate = self._gate()
        if gate.writers is None or scope.get("method", "GET") in SAFE_METHODS:
            return await self._run(gate, scope, receive, send)
        # Taken before a thread: a request waiting its turn to write holds none.
        async with gate.writers:
            return await self._run(gate, scope, receive, send)

    async def _run(self, gate, scope, receive, send):
        async with gate.semaphore:
            # The semaphore lets in no more requests than there are threads.
            executor = gate.idle.pop()
            try:
                async with ThreadSensitiveContext(executor=executor):
                    return await self.app(scope, receive, send)
            finally:
                gate.idle.append(executor)
