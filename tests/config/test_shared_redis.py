"""Sites sharing one Redis server (config/shared_redis.py): channel prefixes and one bounded pool.

The two-site test with real daphne processes is tests/notifications/test_sites_on_one_redis.py.
"""

import threading

import pytest
import redis
from django.conf import settings
from django.core.cache.backends.redis import RedisCache

from config.shared_redis import SharedConnectionPool, channel_prefix


@pytest.mark.parametrize(
    ("url", "prefix"),
    [
        ("redis://127.0.0.1:6379/13", "agora-db13"),
        ("rediss://:secret@cache.internal:6380/5", "agora-db5"),
        ("redis://127.0.0.1:6379?db=4", "agora-db4"),
        ("unix:///run/redis/redis.sock?db=2", "agora-db2"),
        ("redis://127.0.0.1:6379", "agora-db0"),
        ("redis://127.0.0.1:6379/", "agora-db0"),
    ],
)
def test_the_channel_prefix_names_the_database_number_of_the_redis_url(url, prefix):
    assert channel_prefix(url) == prefix


def test_two_database_numbers_on_one_server_give_two_channel_prefixes():
    assert channel_prefix("redis://127.0.0.1:6379/1") != channel_prefix("redis://127.0.0.1:6379/2")


def _clients_on(client: redis.Redis, db: int) -> int:
    return sum(1 for entry in client.client_list() if entry["db"] == str(db))


@pytest.mark.redis
def test_cache_objects_in_forty_threads_share_one_pool_of_at_most_its_size():
    """Django makes a cache object per async context (a socket, a request): they must not
    each open a connection."""
    url = settings.REDIS_URL
    db = redis.connection.parse_url(url).get("db", 0)
    watcher = redis.Redis.from_url(url, socket_connect_timeout=2)
    before = _clients_on(watcher, db)
    options = {"pool_class": "config.shared_redis.SharedConnectionPool", "max_connections": 3, "timeout": 10}
    errors, read = [], []

    def use_a_cache_of_its_own(n):
        try:
            cache = RedisCache(url, {"KEY_PREFIX": "shared-pool-test", "OPTIONS": options})
            cache.set(f"key-{n}", n)
            read.append(cache.get(f"key-{n}"))
        except Exception as exc:  # reported below, with the others
            errors.append(exc)

    threads = [threading.Thread(target=use_a_cache_of_its_own, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    opened = _clients_on(watcher, db) - before
    pool = RedisCache(url, {"OPTIONS": options})._cache._get_connection_pool(write=True)
    try:
        assert errors == []
        assert sorted(read) == list(range(40))
        assert 1 <= opened <= 3
        assert isinstance(pool, SharedConnectionPool)
        assert pool.max_connections == 3
    finally:
        watcher.delete(*(f"shared-pool-test:1:key-{n}" for n in range(40)))
        pool.disconnect()
