"""Signatures of deliveries: HMAC-SHA256, with the webhook's secret, over `<timestamp>.<body>`.

The timestamp is signed with the body, so that a receiver can refuse an old delivery replayed
(README, "Webhooks": how a receiver checks one; the tests' endpoint runs that very code). Each
attempt is signed again, with its own timestamp.
"""

import hashlib
import hmac

SIGNATURE_HEADER = "Agora-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"
