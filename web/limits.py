"""Counters that allow so many actions in a window, kept in the shared cache so that they hold
across processes (posting limits, uploads). Over a limit, RateLimited: views answer 429 with
Retry-After and nothing is written.

Counters are reserved atomically (cache.add / cache.incr), so two processes cannot both take
the last allowed action.
"""

import ipaddress
import time

from django.core.cache import cache
from django.utils.translation import gettext as _


class RateLimited(Exception):
    """Too many actions too fast: nothing was saved. Views answer 429 with Retry-After."""

    def __init__(self, message: str = "", retry_after: int = 60):
        self.message = message or _("You are posting too fast. Please wait a moment and try again.")
        self.retry_after = max(1, int(retry_after))
        super().__init__(self.message)


def take(key: str, limit: int, window: int, message: str, *, lifted_at: float | None = None):
    """Take one from a counter that allows `limit` in `window` seconds (a fixed window from first use).

    Refused, the member is told when the window ends (or, for a new account's quota, when
    the account stops being new, if sooner); the end is kept beside the counter.
    """
    now = time.time()
    # The counter is there for every action of a window but its first: one increment then,
    # where adding the window's end and the counter first cost two round trips each time.
    try:
        used = cache.incr(key)
    except ValueError:  # the window's first action (or the counter expired meanwhile)
        used = _open_window(key, now, window)
    if used > limit:
        ends = cache.get(f"{key}:ends") or now + window
        if lifted_at is not None:
            ends = min(ends, lifted_at)
        raise RateLimited(message, retry_after=max(1, round(ends - now)))


def _open_window(key: str, now: float, window: int) -> int:
    """Start a counter at one, with its window's end beside it; the count it holds if another
    process started it first (`add` reserves it atomically)."""
    cache.add(f"{key}:ends", now + window, timeout=window)
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired in between: this action opens the next window
        cache.add(key, 1, timeout=window)
        return 1


def client_address(request) -> str:
    """The address a visitor's limits count by: the client's as the server gives it (REMOTE_ADDR).

    Behind the reverse proxy, daphne --proxy-headers sets it from the proxy's X-Forwarded-For
    (README, production): the one place that header is trusted, and what allauth's sign-in
    limits read too. One IPv6 client holds a whole /64, so a /64 counts as one address.
    """
    address = request.META.get("REMOTE_ADDR") or ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64] or "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network((ip, 64), strict=False))
    return str(ip)
