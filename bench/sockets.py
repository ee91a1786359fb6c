"""WebSocket figures against running daphne processes: sockets held, and notification latency.

Clients connect with back-off (daphne's listen backlog is 50) and everything
goes to the loopback address only. Each socket has one reader task that stamps
every frame with its arrival time and keeps it; frames are decoded after the
round. The benchmark's 1,100 sockets share one Python process (and the
server's two cores): decoding JSON on arrival, one socket after the other,
would add the client's own queue to the figure, which a browser tab (one
socket, its own process) does not have.
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


class Listener:
    """One open socket and the frames it received, each with its arrival time."""

    def __init__(self, socket):
        self.socket = socket
        self.frames: list[tuple[float, str]] = []
        self.task = asyncio.create_task(self._read())

    async def _read(self):
        try:
            async for frame in self.socket:
                self.frames.append((time.time(), frame))
        except websockets.exceptions.WebSocketException:
            return

    def first(self, kind: str) -> tuple[float, dict] | None:
        marker = f'"type": "{kind}"'
        for arrived, frame in self.frames:
            if marker in frame and (message := json.loads(frame)).get("type") == kind:
                return arrived, message
        return None

    async def close(self):
        self.task.cancel()
        await asyncio.gather(self.socket.close(), return_exceptions=True)


async def _connect(url, session, attempts=8):
    ws_url = url.replace("http://", "ws://") + "/ws/"
    for attempt in range(attempts):
        try:
            socket = await websockets.connect(
                ws_url, additional_headers=_headers(url, session), open_timeout=10, max_queue=None
            )
            hello = json.loads(await asyncio.wait_for(socket.recv(), 10))
            if hello.get("type") == "hello":
                return Listener(socket)
            await socket.close()
        except (TimeoutError, OSError, websockets.exceptions.WebSocketException):
            await asyncio.sleep(min(5, 0.2 * 2**attempt))
    return None


async def open_many(urls: list[str], sessions: list[str], batch=50) -> list[Listener]:
    """Open one socket per session, spread over the servers in turn."""
    listeners = []
    for start in range(0, len(sessions), batch):
        chunk = range(start, min(start + batch, len(sessions)))
        opened = await asyncio.gather(*(_connect(urls[i % len(urls)], sessions[i]) for i in chunk))
        listeners += [one for one in opened if one is not None]
    return listeners


async def count_alive(listeners: list[Listener]) -> int:
    alive = 0
    for listener in listeners:
        try:
            await asyncio.wait_for(listener.socket.ping(), 10)
            alive += 1
        except Exception:  # noqa: S112 (a dead socket is what we count)
            continue
    return alive


async def close_all(listeners: list[Listener]):
    await asyncio.gather(*(listener.close() for listener in listeners), return_exceptions=True)


def _post_reply(url, thread_url, session, body):
    """Post a reply through the form, as a browser does (and follow its redirect to the thread)."""
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


async def fan_out(
    post_url: str, thread_url: str, poster: str, followers: list[Listener], rounds: int = 10, timeout: float = 20
) -> dict:
    """Each round, a reply notifies every follower; latency from its commit to each arrival.

    One warm-up round comes first and is not counted (the server's first reply
    compiles templates and fills caches).
    """
    delays, rounds_seen = [], []
    for n in range(rounds + 1):
        for listener in followers:
            listener.frames.clear()
        await asyncio.to_thread(_post_reply, post_url, thread_url, poster, f"Benchmark reply {n} {time.time()}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not all(listener.first("notification") for listener in followers):
            await asyncio.sleep(0.05)
        if n == 0:
            continue
        this_round = []
        for listener in followers:
            received = listener.first("notification")
            if received is not None:
                arrived, message = received
                # "committed" is stamped right after the reply's transaction commits.
                committed = datetime.fromisoformat(message.get("committed") or message["created"]).timestamp()
                this_round.append((arrived - committed) * 1000)
        delays += this_round
        if this_round:
            rounds_seen.append({"p50_ms": round(statistics.median(this_round), 1), "max_ms": round(max(this_round), 1)})
    ordered = sorted(delays)
    return {
        "followers": len(followers),
        "received": len(delays),
        "expected": len(followers) * rounds,
        "p50_ms": round(statistics.median(ordered), 1) if ordered else None,
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1) if ordered else None,
        "max_ms": round(ordered[-1], 1) if ordered else None,
        "rounds": rounds_seen,
    }
