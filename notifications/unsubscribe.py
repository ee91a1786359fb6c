"""Signed one-click unsubscribe links for notification emails."""

from django.core import signing
from django.urls import reverse

from notifications.models import Kind

SALT = "notifications.unsubscribe"


def make_token(member_id: int, kind: str | None) -> str:
    return signing.dumps({"m": member_id, "k": kind or ""}, salt=SALT, compress=True)


def read_token(token: str) -> tuple[int, str | None]:
    data = signing.loads(token, salt=SALT)
    kind = data.get("k") or None
    if kind is not None and kind not in Kind.values:
        raise signing.BadSignature("unknown kind")
    return int(data["m"]), kind


def unsubscribe_url(member_id: int, kind: str | None) -> str:
    return reverse("notifications:unsubscribe", args=[make_token(member_id, kind)])
