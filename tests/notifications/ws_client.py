"""A minimal WebSocket client (RFC 6455) on asyncio streams, for talking to a real daphne.

No WebSocket client library is installed, and autobahn's asyncio flavour
cannot load in a process where daphne already chose Twisted for txaio. This
is enough for tests: the handshake with Origin and Cookie, masked text frames
out, text/ping/close frames in (pings answered with pongs, as a browser does).
"""

import asyncio
import base64
import contextlib
import hashlib
import json
import os
import struct
from urllib.parse import urlsplit

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG, CONTINUATION = 0x1, 0x8, 0x9, 0xA, 0x0


def _frame(opcode: int, payload: bytes) -> bytes:
    """One final frame, masked as a client must."""
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
    elif length < 1 << 16:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
    mask = os.urandom(4)
    return header + mask + bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))


class Socket:
    """An open WebSocket: JSON messages arrive in `messages`; `closed` resolves to (code, reason)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer
        self.messages: asyncio.Queue = asyncio.Queue()
        self.closed: asyncio.Future = asyncio.get_running_loop().create_future()
        self._reading = asyncio.create_task(self._read_frames())

    @classmethod
    async def open(cls, base_url: str, *, path: str = "/ws/", headers: dict | None = None, timeout: float = 5):
        """Connect to base_url (http://host:port), sending Origin: base_url and the given headers."""
        parts = urlsplit(base_url)
        reader, writer = await asyncio.wait_for(asyncio.open_connection(parts.hostname, parts.port), timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {parts.netloc}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
            f"Origin: {base_url}",
            *(f"{name}: {value}" for name, value in (headers or {}).items()),
        ]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = (await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)).decode("latin-1")
        status = head.split("\r\n", 1)[0]
        if " 101 " not in status + " ":
            writer.close()
            raise ConnectionError(f"handshake refused: {status}")
        accept = base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()  # noqa: S324 (the protocol's)
        if f"sec-websocket-accept: {accept}".lower() not in head.lower():
            writer.close()
            raise ConnectionError("handshake answered with a wrong Sec-WebSocket-Accept")
        return cls(reader, writer)

    async def _read_frame(self) -> tuple[int, bytes, bool]:
        first, second = await self.reader.readexactly(2)
        opcode, length = first & 0x0F, second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", await self.reader.readexactly(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", await self.reader.readexactly(8))
        mask = await self.reader.readexactly(4) if second & 0x80 else None
        payload = await self.reader.readexactly(length)
        if mask:
            payload = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
        return opcode, payload, bool(first & 0x80)

    async def _read_frames(self):
        pending, pending_opcode = b"", None
        try:
            while True:
                opcode, payload, final = await self._read_frame()
                if opcode == PING:
                    self.writer.write(_frame(PONG, payload))
                elif opcode == CLOSE:
                    code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                    self._close_with(code, payload[2:].decode(errors="replace"))
                    self.writer.write(_frame(CLOSE, payload[:2]))
                    return
                elif opcode in (TEXT, CONTINUATION):
                    pending += payload
                    pending_opcode = pending_opcode or opcode
                    if final:
                        self.messages.put_nowait(json.loads(pending.decode()))
                        pending, pending_opcode = b"", None
        except (asyncio.IncompleteReadError, ConnectionError):
            self._close_with(None, "connection lost")

    def _close_with(self, code, reason):
        if not self.closed.done():
            self.closed.set_result((code, reason))

    def send(self, message: dict):
        self.writer.write(_frame(TEXT, json.dumps(message).encode()))

    async def receive(self, timeout: float = 5) -> dict:
        return await asyncio.wait_for(self.messages.get(), timeout)

    async def close(self):
        if not self.closed.done():
            self.writer.write(_frame(CLOSE, struct.pack("!H", 1000)))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self.closed), 2)
        self._reading.cancel()
        self.writer.close()
