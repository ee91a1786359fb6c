"""Several sites on one Redis server, each with a bounded number of connections to it.

Prefixes. The cache keeps to the database number of REDIS_URL (Redis's SELECT), but the
pub/sub channel layer does not: Redis delivers a PUBLISH to every subscriber of that
channel name on the server, whatever database either side selected. So two sites (or
staging and production) on one server would receive each other's pushes unless their
channel names differ; the default channel prefix includes the database number.

Connections. Django keeps one cache object per async context (each request, each
WebSocket), and each RedisCache makes its own connection pool: with sessions read through
the cache, every socket kept a connection of its own, 1,000 sockets holding 1,009 Redis
connections in one process. Here every cache object of a process draws on one pool, which
blocks (up to its timeout) instead of opening more than `max_connections`.
"""

import threading
from typing import ClassVar

import redis
from redis.connection import parse_url


def channel_prefix(redis_url: str, site: str = "agora") -> str:
    """The channel layer's prefix for the database number REDIS_URL names (0 if none)."""
    database = parse_url(redis_url).get("db", 0)
    return f"{site}-db{database}"


class SharedConnectionPool(redis.BlockingConnectionPool):
    """One pool per process and configuration, whatever the number of cache objects.

    Used as the Redis cache's `pool_class`: Django calls `from_url` once per cache object.
    redis-py pools notice a fork and reconnect in the child, so sharing survives one.
    """

    _pools: ClassVar[dict[tuple, "SharedConnectionPool"]] = {}
    _lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str, **options) -> "SharedConnectionPool":
        key = (url, repr(sorted(options.items())))
        with cls._lock:
            if key not in cls._pools:
                cls._pools[key] = super().from_url(url, **options)
            return cls._pools[key]
