"""Requests per second against a running server: wrk when installed, else a small asyncio client.

The load goes only to the loopback address and stops by itself.
"""

import asyncio
import re
import shutil
import subprocess
import time
from urllib.parse import urlsplit


def wrk(url: str, *, connections: int, seconds: int, cookie: str = "") -> float:
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    output = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", *headers, url],
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    return float(match.group(1)) if match else 0.0


async def _worker(host, port, path, deadline, counts, cookie):
    reader, writer = await asyncio.open_connection(host, port)
    extra = f"Cookie: {cookie}\r\n" if cookie else ""
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: keep-alive\r\n\r\n".encode()
    try:
        while time.monotonic() < deadline:
            writer.write(request)
            await writer.drain()
            headers = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"content-length: (\d+)", headers, re.I).group(1))
            await reader.readexactly(length)
            counts[0] += 1
    finally:
        writer.close()


def python_client(url: str, *, connections: int, seconds: int, cookie: str = "") -> float:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")

    async def run():
        counts = [0]
        deadline = time.monotonic() + seconds
        await asyncio.gather(
            *(_worker(parts.hostname, parts.port, path, deadline, counts, cookie) for _ in range(connections))
        )
        return counts[0] / seconds

    return asyncio.run(run())


def requests_per_second(url: str, *, connections: int = 16, seconds: int = 20, cookie: str = "") -> tuple[float, str]:
    if shutil.which("wrk"):
        return wrk(url, connections=connections, seconds=seconds, cookie=cookie), "wrk"
    return python_client(url, connections=connections, seconds=seconds, cookie=cookie), "asyncio client"
