"""At most HTTP_CONCURRENCY requests run Django's code at once in a server process."""

import asyncio

import pytest
from asgiref.testing import ApplicationCommunicator

from config.concurrency import BoundedConcurrency


class Recorder:
    """An ASGI app that holds each call until released, and notes how many ran at once."""

    def __init__(self):
        self.running = 0
        self.most = 0
        self.done = 0
        self.release = asyncio.Event()

    async def __call__(self, scope, receive, send):
        self.running += 1
        self.most = max(self.most, self.running)
        await self.release.wait()
        self.running -= 1
        self.done += 1


async def test_calls_beyond_the_limit_wait_and_then_all_complete():
    inner = Recorder()
    bounded = BoundedConcurrency(inner, 3)

    calls = [asyncio.create_task(bounded({"type": "http"}, None, None)) for _ in range(10)]
    await asyncio.sleep(0.05)
    assert inner.running == 3  # seven wait on the event loop, not in threads

    inner.release.set()
    await asyncio.wait_for(asyncio.gather(*calls), 2)
    assert (inner.most, inner.done) == (3, 10)


def test_each_event_loop_gets_its_own_limit():
    inner = Recorder()
    inner.release.set()
    bounded = BoundedConcurrency(inner, 1)

    async def twice():
        await asyncio.gather(bounded({}, None, None), bounded({}, None, None))

    asyncio.run(twice())
    asyncio.run(twice())  # a semaphore bound to the first loop would refuse to wait here

    assert inner.done == 4


def test_a_limit_below_one_is_refused():
    with pytest.raises(ValueError):
        BoundedConcurrency(Recorder(), 0)


@pytest.mark.django_db
async def test_the_server_application_serves_http_through_the_limit(settings):
    from config import asgi

    assert isinstance(asgi.http_app, BoundedConcurrency)
    assert asgi.http_app.limit == settings.HTTP_CONCURRENCY
    assert asgi.http_app.write_limit == settings.HTTP_WRITE_CONCURRENCY
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/healthz",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1")],
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
    }
    communicator = ApplicationCommunicator(asgi.application, scope)
    await communicator.send_input({"type": "http.request", "body": b""})

    start = await communicator.receive_output(5)
    body = await communicator.receive_output(5)
    assert start["status"] == 200
    assert body["body"] == b"ok"


async def test_requests_that_may_write_run_one_at_a_time_beside_the_reads():
    inner = Recorder()
    bounded = BoundedConcurrency(inner, 3, write_limit=1)

    writes = [asyncio.create_task(bounded({"type": "http", "method": "POST"}, None, None)) for _ in range(4)]
    await asyncio.sleep(0.05)
    assert inner.running == 1  # the other writes wait on the event loop, holding no thread
    reads = [asyncio.create_task(bounded({"type": "http", "method": "GET"}, None, None)) for _ in range(4)]
    await asyncio.sleep(0.05)
    assert inner.running == 3  # the reads take the free threads

    inner.release.set()
    await asyncio.wait_for(asyncio.gather(*writes, *reads), 2)
    assert (inner.most, inner.done) == (3, 8)


def test_a_negative_write_limit_is_refused():
    with pytest.raises(ValueError):
        BoundedConcurrency(Recorder(), 2, write_limit=-1)
