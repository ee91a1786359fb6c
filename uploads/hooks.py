"""What uploads asks of the apps above it that show pictures in private places of their own,
without importing them.

A picture a private message shows is held by that message (`Upload.held_by`, "message:12"):
no post takes it, `remove_stale_uploads` keeps it, and whether a reader may see it is the
holder's answer, which the app (conversations: whoever may read the message's conversation)
gives here in its AppConfig.ready(). A kind nobody answers for is seen by nobody.
"""

from collections.abc import Callable

_holders: dict[str, Callable] = {}


def provide_holder(kind: str, may_see: Callable):
    """may_see(reader, pk) -> bool: whether the reader may see the pictures that the `kind` row
    `pk` holds (False when the row is gone)."""
    _holders[kind] = may_see
    return may_see


def holder(kind: str, pk: int) -> str:
    """The value of Upload.held_by for pictures that the `kind` row `pk` holds."""
    if kind not in _holders:
        raise LookupError(f"no app answers for pictures held by {kind!r}")
    return f"{kind}:{pk}"


def may_see(reader, held_by: str) -> bool:
    kind, _, pk = held_by.partition(":")
    check = _holders.get(kind)
    return check is not None and pk.isascii() and pk.isdigit() and bool(check(reader, int(pk)))
