"""WebSocket figures against a running daphne: sockets held, and notification latency.

Clients connect with back-off (daphne's listen backlog is 50) and everything
goes to the loopback address only.
"""

import asyncio
import json
import re
import statistics
import time
import urllib.parse
import urllib.request
from datetime import datetime

import websockets


def _headers(url, session):
    return {"Origin": url, "Cookie": f"sessionid={session}"}


async def _connect(url, session, attempts=8):
    ws_url = url.replace("http://", "ws://") + "/ws/"
    for attempt in range(attempts):
        try:
            socket = await websockets.connect(
                ws_url, additional_headers=_headers(url, session), open_timeout=10, max_queue=None
            )
            hello = json.loads(await asyncio.wait_for(socket.recv(), 10))
            if hello.get("type") == "hello":
                return socket
            await socket.close()
        except (TimeoutError, OSError, websockets.exceptions.WebSocketException):
            await asyncio.sleep(min(5, 0.2 * 2**attempt))
    return None


async def _open_many(url, sessions, batch=50):
    sockets = []
    for start in range(0, len(sessions), batch):
        opened = await asyncio.gather(*(_connect(url, s) for s in sessions[start : start + batch]))
        sockets += [s for s in opened if s is not None]
    return sockets


def hold(url: str, session: str, count: int, idle_seconds: float = 10) -> dict:
    """Open `count` authenticated sockets, stay idle, and count how many are still open."""

    async def run():
        sockets = await _open_many(url, [session] * count)
        await asyncio.sleep(idle_seconds)
        alive = 0
        for socket in sockets:
            try:
                await asyncio.wait_for(socket.ping(), 10)
                alive += 1
            except Exception:  # noqa: S112 (a dead socket is what we count)
                continue
        await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)
        return {"asked": count, "opened": len(sockets), "open_after_idle": alive}

    return asyncio.run(run())


def _post_reply(url, thread_url, session, body):
    opener = urllib.request.build_opener()
    opener.addheaders = [("Cookie", f"sessionid={session}")]
    with opener.open(f"{url}{thread_url}reply/", timeout=30) as response:
        page = response.read().decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        cookie = re.search(r"csrftoken=([^;]+)", response.headers.get("Set-Cookie", "")).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "body": body}).encode()
    request = urllib.request.Request(
        f"{url}{thread_url}reply/",
        data=data,
        headers={"Cookie": f"sessionid={session}; csrftoken={cookie}", "Referer": f"{url}{thread_url}"},
    )
    with opener.open(request, timeout=30) as response:
        return response.status


def latency(url: str, thread_url: str, poster_session: str, follower_sessions: list[str], rounds: int = 10) -> dict:
    """A reply fans out to every follower; latency from the commit to each receipt."""

    async def run():
        sockets = await _open_many(url, follower_sessions)
        delays = []
        for n in range(rounds):
            waiting = [asyncio.ensure_future(_next_notification(s)) for s in sockets]
            await asyncio.to_thread(_post_reply, url, thread_url, poster_session, f"Benchmark reply {n} {time.time()}")
            for created in await asyncio.gather(*waiting):
                if created is not None:
                    delays.append((time.time() - created) * 1000)
        await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)
        ordered = sorted(delays)
        return {
            "followers": len(sockets),
            "received": len(delays),
            "expected": len(sockets) * rounds,
            "p50_ms": round(statistics.median(ordered), 1) if ordered else None,
            "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 1) if ordered else None,
        }

    return asyncio.run(run())


async def _next_notification(socket, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            message = json.loads(await asyncio.wait_for(socket.recv(), deadline - time.monotonic()))
        except (TimeoutError, websockets.exceptions.WebSocketException):
            return None
        if message.get("type") == "notification":
            # "committed" is stamped right after the reply's transaction commits: the target
            # is from commit to receipt.
            return datetime.fromisoformat(message.get("committed") or message["created"]).timestamp()
    return None
