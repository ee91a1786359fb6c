"""A Redis cache that keeps the site up when Redis is not.

Everything the cache holds here can be rebuilt or briefly lost: rendered pages, the active
announcement, counters of rate and posting limits. So when Redis does not answer, this
backend carries on with a local-memory cache of the process's own, for as long as the
outage lasts, instead of turning every request into a 500.

A breaker keeps the outage cheap: after a failure, calls go straight to local memory for
RETRY_AFTER seconds; then one call tries Redis again (the others keep to local memory
meanwhile). The first failure of an outage is logged, and so is the return; nothing in
between. When Redis answers again the local copies are dropped: Redis holds the shared
state again (what it held before the outage, which expires as usual).

What this means for limits: during an outage each process counts on its own, from zero,
so a member may post up to the limit once per process; limits hold, per process, and the
log says so. Sessions are not in the cache (SESSION_ENGINE), so log-in and log-out are
never affected.
"""

import logging
import threading
import time

import redis
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)

# Seconds between two attempts at Redis during an outage: short, so that the site returns
# to the shared cache soon after Redis does, and long enough that requests do not each pay
# for a failed connection.
RETRY_AFTER = 5.0
# Entries the local cache keeps per process during an outage (least recently used go first).
FALLBACK_MAX_ENTRIES = 5000
UNAVAILABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class Breaker:
    """Whether Redis is worth trying, for one server in this process: shared by every
    thread's cache object (Django makes one per thread and async context)."""

    def __init__(self, location: str):
        self.location = location
        self.down_since: float | None = None
        self._next_try = 0.0
        self._lock = threading.Lock()

    @property
    def down(self) -> bool:
        return self.down_since is not None

    def allows(self) -> bool:
        """Redis may be tried now: always while it answers; during an outage, by one caller
        every RETRY_AFTER seconds."""
        if self.down_since is None:
            return True
        with self._lock:
            now = time.monotonic()
            if now < self._next_try:
                return False
            self._next_try = now + RETRY_AFTER
            return True

    def failed(self, error: BaseException) -> bool:
        """Record a failure; True if it starts an outage."""
        with self._lock:
            self._next_try = time.monotonic() + RETRY_AFTER
            if self.down_since is not None:
                return False
            self.down_since = time.monotonic()
        log.warning(
            "Redis cache at %s does not answer (%s): this process uses its own local memory until it does; "
            "rate and posting limits now count per process",
            self.location,
            error,
        )
        return True

    def succeeded(self) -> bool:
        """Record an answer; True if it ends an outage."""
        if self.down_since is None:
            return False
        with self._lock:
            if self.down_since is None:
                return False
            lasted, self.down_since = time.monotonic() - self.down_since, None
        log.warning("Redis cache at %s answers again after %.0f s: back to the shared cache", self.location, lasted)
        return True


# Called once each time Redis answers again after an outage (apps register in ready()).
_recovered_callbacks = []


def on_recovered(callback):
    """Run `callback()` when Redis answers again: what changed meanwhile was written to each
    process's own memory, and Redis may still hold what it held before (the page cache
    moves to a new generation, so no page from before the outage is served again)."""
    if callback not in _recovered_callbacks:
        _recovered_callbacks.append(callback)
    return callback


def _recovered():
    for callback in list(_recovered_callbacks):
        try:
            callback()
        except Exception:  # a callback must not turn the call that found Redis back into an error
            log.warning("a cache-recovered callback failed", exc_info=True)


_breakers: dict[str, Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(location: str) -> Breaker:
    with _breakers_lock:
        return _breakers.setdefault(location, Breaker(location))


def _falls_back(name: str):
    def method(self, *args, **kwargs):
        breaker = self.breaker
        if breaker.allows():
            try:
                result = getattr(RedisCache, name)(self, *args, **kwargs)
            except UNAVAILABLE as error:
                breaker.failed(error)
            else:
                if breaker.succeeded():
                    self.fallback.clear()
                    _recovered()
                return result
        return getattr(self.fallback, name)(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"RedisCache.{name}, or the process's local memory while Redis does not answer."
    return method


class FallbackRedisCache(RedisCache):
    """Django's RedisCache, falling back to local memory while Redis does not answer.

    Give it small socket timeouts in OPTIONS (`socket_connect_timeout`, `socket_timeout`):
    they bound what the call that finds Redis gone has to wait.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self.breaker = breaker_for(str(server))
        # LocMemCache instances of one name share their storage: one fallback per process.
        self.fallback = LocMemCache(
            f"redis-fallback:{server}",
            {
                "TIMEOUT": params.get("TIMEOUT", 300),
                "KEY_PREFIX": self.key_prefix,
                "VERSION": self.version,
                "KEY_FUNCTION": self.key_func,
                "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES},
            },
        )

    @property
    def using_fallback(self) -> bool:
        return self.breaker.down

    # BaseCache's other methods (get_or_set, decr, the async ones, `in`) go through these.
    add = _falls_back("add")
    get = _falls_back("get")
    set = _falls_back("set")
    touch = _falls_back("touch")
    delete = _falls_back("delete")
    get_many = _falls_back("get_many")
    has_key = _falls_back("has_key")
    incr = _falls_back("incr")
    set_many = _falls_back("set_many")
    delete_many = _falls_back("delete_many")
    clear = _falls_back("clear")
