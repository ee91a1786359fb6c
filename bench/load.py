"""Requests per second against a running server: wrk when installed, else a small asyncio client.

Every answer is counted by its status, and only a 2xx is a success: a 3xx means a wrong
session or address for these pages, a 4xx or 5xx an error, and a broken connection or an
answer slower than TIMEOUT_SECONDS a failure too. The load goes only to the loopback
address and stops by itself.
"""

import asyncio
import json
import re
import shutil
import subprocess
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

TIMEOUT_SECONDS = 10
STATUS_SCRIPT = Path(__file__).with_name("statuses.lua")


@dataclass
class Load:
    """One load run: answers per second (any status), answers by status and socket errors."""

    tool: str
    rate: float
    statuses: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def failures(self) -> int:
        wrong = sum(count for status, count in self.statuses.items() if not status.startswith("2"))
        return wrong + sum(self.errors.values())

    def as_dict(self) -> dict:
        return {**asdict(self), "rate": round(self.rate, 1), "failures": self.failures}


def wrk(url: str, *, connections: int, seconds: int, cookie: str = "", authorization: str = "") -> Load:
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    if authorization:  # an API token: Bearer ...
        headers += ["-H", f"Authorization: {authorization}"]
    output = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            f"--timeout={TIMEOUT_SECONDS}s",
            f"--script={STATUS_SCRIPT}",
            *headers,
            url,
        ],
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    counts = re.search(r"^STATUSES (.+)$", output, re.M)
    if not counts:
        raise RuntimeError(f"wrk printed no status counts (is {STATUS_SCRIPT.name} loaded?):\n{output}")
    figures = json.loads(counts.group(1))
    statuses = figures.pop("statuses")
    return Load("wrk", float(rate.group(1)) if rate else 0.0, statuses, {k: v for k, v in figures.items() if v})


async def _answer(reader) -> tuple[int, bool]:
    """Read one HTTP/1.1 answer: (its status, whether the connection stays open)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = re.search(rb"\r\ncontent-length:\s*(\d+)", head, re.I)
    if length:
        await reader.readexactly(int(length.group(1)))
    elif re.search(rb"\r\ntransfer-encoding:\s*chunked", head, re.I):
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    else:  # delimited by the end of the connection
        await reader.read()
        return status, False
    return status, not re.search(rb"\r\nconnection:\s*close", head, re.I)


async def _worker(host, port, request, deadline, tally: Counter):
    """Send the request back to back on one kept-alive connection, reconnecting when it breaks."""
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), TIMEOUT_SECONDS)
        except (OSError, TimeoutError):
            tally["connect"] += 1
            await asyncio.sleep(0.1)
            continue
        try:
            keep_alive = True
            while keep_alive and time.monotonic() < deadline:
                writer.write(request)
                status, keep_alive = await asyncio.wait_for(_answer(reader), TIMEOUT_SECONDS)
                tally[str(status)] += 1
        except TimeoutError:
            tally["timeout"] += 1
        except (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            tally["read"] += 1
        finally:
            writer.close()


def python_client(url: str, *, connections: int, seconds: int, cookie: str = "", authorization: str = "") -> Load:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    extra = f"Cookie: {cookie}\r\n" if cookie else ""
    extra += f"Authorization: {authorization}\r\n" if authorization else ""
    request = f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n{extra}Connection: keep-alive\r\n\r\n".encode()

    async def run():
        tally = Counter()
        deadline = time.monotonic() + seconds
        await asyncio.gather(
            *(_worker(parts.hostname, parts.port, request, deadline, tally) for _ in range(connections))
        )
        return tally

    tally = asyncio.run(run())
    errors = {kind: tally.pop(kind) for kind in ("connect", "read", "timeout") if kind in tally}
    return Load("asyncio client", sum(tally.values()) / seconds, dict(tally), errors)


def requests_per_second(
    url: str, *, connections: int = 16, seconds: int = 20, cookie: str = "", authorization: str = ""
) -> Load:
    if shutil.which("wrk"):
        return wrk(url, connections=connections, seconds=seconds, cookie=cookie, authorization=authorization)
    return python_client(url, connections=connections, seconds=seconds, cookie=cookie, authorization=authorization)
