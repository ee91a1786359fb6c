"""The Redis cache that falls back to local memory, against a real redis-server that the test stops."""

import logging
import time

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

from tests.redis_server import RedisServer
from web import cache as fallback_cache

OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


@pytest.fixture
def server():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def cache(server):
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "web.cache.FallbackRedisCache",
                "LOCATION": server.url(),
                "KEY_PREFIX": "test",
                "OPTIONS": OPTIONS,
            }
        }
    ):
        yield caches["default"]


@pytest.fixture
def quick_retry(monkeypatch):
    monkeypatch.setattr(fallback_cache, "RETRY_AFTER", 0.3)
    return 0.3


def in_redis(server, key: str) -> bool:
    client = redis.Redis.from_url(server.url(), socket_connect_timeout=0.5)
    try:
        return bool(client.exists(f"test:1:{key}"))
    finally:
        client.close()


def test_while_redis_answers_entries_are_kept_in_redis(server, cache):
    cache.set("greeting", "bonjour", 30)

    assert cache.get("greeting") == "bonjour"
    assert in_redis(server, "greeting")
    assert not cache.using_fallback


def test_with_redis_stopped_every_call_answers_from_local_memory(server, cache):
    cache.set("before", "kept in Redis", 30)
    server.stop()

    assert cache.get("before") is None  # Redis's entries are out of reach, not an error
    assert cache.add("counter", 0, 30) is True
    assert cache.incr("counter") == 1
    assert cache.add("counter", 0, 30) is False
    cache.set_many({"a": 1, "b": 2}, 30)
    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
    assert cache.get_or_set("computed", lambda: "fresh", 30) == "fresh"
    assert "a" in cache
    cache.delete("a")
    assert "a" not in cache
    assert cache.using_fallback


def test_during_an_outage_calls_do_not_wait_for_redis(server, cache):
    server.stop()
    cache.get("first")  # finds Redis gone

    started = time.perf_counter()
    for n in range(200):
        cache.set(f"key-{n}", n, 30)
        assert cache.get(f"key-{n}") == n
    elapsed = time.perf_counter() - started

    assert elapsed < 0.5, f"400 calls took {elapsed:.2f}s: the breaker should keep them off Redis"


def test_the_cache_returns_to_redis_when_it_answers_again_and_drops_the_local_copies(server, cache, quick_retry):
    server.stop()
    cache.set("during", "local", 30)
    assert cache.get("during") == "local"

    server.start()  # the same port, empty
    time.sleep(quick_retry + 0.05)
    cache.set("after", "shared", 30)

    assert not cache.using_fallback
    assert in_redis(server, "after")
    assert cache.get("during") is None  # the outage's local copy is gone with the outage


def test_redis_is_tried_again_only_after_the_breaker_delay(server, cache, quick_retry):
    server.stop()
    cache.get("trips-the-breaker")
    server.start()

    cache.set("soon", "local", 30)  # within the delay: still local, Redis untouched
    assert not in_redis(server, "soon")
    time.sleep(quick_retry + 0.05)
    cache.set("later", "shared", 30)
    assert in_redis(server, "later")


def test_an_outage_is_logged_once_when_it_begins_and_once_when_it_ends(server, cache, quick_retry, caplog):
    caplog.set_level(logging.WARNING, logger="web.cache")
    server.stop()
    for _round in range(3):
        for n in range(20):
            cache.get(f"key-{n}")
        time.sleep(quick_retry + 0.05)  # each round tries Redis again, and fails again
    server.start()
    time.sleep(quick_retry + 0.05)
    cache.get("back")

    messages = [record.getMessage() for record in caplog.records if record.name == "web.cache"]
    assert len(messages) == 2, messages
    assert "does not answer" in messages[0] and "per process" in messages[0]
    assert "answers again" in messages[1]


@pytest.mark.django_db
def test_posting_limits_keep_holding_per_process_during_an_outage(server, cache, settings, make_member, discussion):
    from forum import services
    from forum.errors import RateLimited
    from forum.models import Post

    settings.POSTING_LIMITS = True
    member = make_member("nadia")
    server.stop()
    thread = services.start_thread(category=discussion, author=member, title="Lamp blinks twice", body="Why?")

    with pytest.raises(RateLimited):  # the cooldown, counted in this process's memory
        services.post_reply(thread=thread, author=member, body="And now it blinks three times.")
    assert Post.objects.filter(thread=thread).count() == 1


def test_pages_cached_before_an_outage_are_not_served_after_it(server, cache, quick_retry):
    """Redis keeps what it held (a paused server, not a restarted one); posts made meanwhile
    bumped only this process's own generation, so the return starts a new one."""
    from web import pagecache

    before = pagecache.generation()
    client = redis.Redis.from_url(server.url(), socket_connect_timeout=0.5)
    try:
        client.client_pause(1500, all=True)  # commands wait 1.5 s: longer than the cache's timeout
    finally:
        client.close()
    cache.get("anything")
    assert cache.using_fallback

    time.sleep(1.5 + quick_retry)
    cache.get("anything")

    assert not cache.using_fallback
    assert pagecache.generation() != before
