"""Signatures of deliveries: HMAC-SHA256, with the webhook's secret, over `<timestamp>.<body>`.

The timestamp is signed with the body, so that a receiver can refuse an old delivery replayed
(README, "Webhooks": how to check one). Each attempt is signed again, with its own timestamp.
"""

import hashlib
import hmac
import time

SIGNATURE_HEADER = "Agora-Signature"
# How old a timestamp `verify` accepts by default, in seconds.
TOLERANCE = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, *, tolerance: int = TOLERANCE, now: float | None = None) -> bool:
    """What a receiver does (the README shows the same): the header's parts, a recent timestamp,
    and the expected signature compared in constant time."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), parts.get("v1", ""))
