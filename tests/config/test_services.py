"""The real services answer when configured (CI runs these with DATABASE_URL and REDIS_URL)."""

import secrets

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_answers():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        (version,) = cursor.fetchone()
    assert version.startswith("PostgreSQL ")


@pytest.mark.redis
def test_redis_cache_round_trip():
    assert isinstance(caches["default"], RedisCache)
    key, value = f"ci-probe-{secrets.token_hex(4)}", {"answer": 42}
    cache.set(key, value, timeout=30)
    assert cache.get(key) == value
    cache.delete(key)
    assert cache.get(key) is None
    assert not caches["default"].using_fallback  # Redis answered, not this process's fallback
