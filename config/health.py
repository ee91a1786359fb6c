"""Liveness and readiness, for load balancers and operators.

/healthz says the process answers, and nothing else: no database, no cache, cheap enough
to ask every second (the benchmarks' trivial view too).

/readyz reports each dependency as JSON, each with a status: "ok", "degraded" (the forum
works without it, with less: pushes pause, limits count per process, search lags) or
"down". It answers 200 while the database answers and 503 when it does not, since nothing
works without it. It reads and never writes, and says no more than a status and a few
counts: the reasons go to the log.

The base checks (database, cache, channel layer) are here; apps add theirs in
AppConfig.ready() with `readiness_check`, so that this module imports no app.
"""

import logging
import time
from collections.abc import Callable
from typing import NamedTuple

import redis
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from web.cache import FallbackRedisCache

log = logging.getLogger(__name__)

OK, DEGRADED, DOWN, UNKNOWN = "ok", "degraded", "down", "unknown"
PROBE_TIMEOUT = 0.5  # seconds: a Redis that takes longer than this is not ready


class Check(NamedTuple):
    function: Callable[[], dict]
    needs_database: bool


_checks: dict[str, Check] = {}


def readiness_check(name: str, function: Callable[[], dict], *, needs_database: bool = False):
    """Add `function() -> {"status": ..., ...}` to /readyz under `name`. One that raises is
    reported as degraded; one that needs the database is skipped while it is down."""
    _checks[name] = Check(function, needs_database)


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request):
    report = {"database": _run("database", _database)}
    database_up = report["database"]["status"] == OK
    for name, check in {**_base_checks(), **_checks}.items():
        report[name] = _run(name, check.function) if database_up or not check.needs_database else {"status": UNKNOWN}
    return JsonResponse(
        {"status": _overall(report), **report},
        status=200 if database_up else 503,
    )


def _base_checks() -> dict[str, Check]:
    return {"cache": Check(_cache, needs_database=False), "channel_layer": Check(_channel_layer, needs_database=False)}


def _overall(report: dict) -> str:
    if report["database"]["status"] != OK:
        return DOWN
    return OK if all(part["status"] == OK for part in report.values()) else DEGRADED


def _run(name: str, check: Callable[[], dict]) -> dict:
    started = time.perf_counter()
    try:
        result = check()
    except Exception:
        log.warning("readiness: %s did not answer", name, exc_info=True)
        result = {"status": DOWN if name == "database" else DEGRADED}
    return {**result, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        log.warning("readiness: the database does not answer", exc_info=True)
        return {"status": DOWN}
    return {"status": OK, "vendor": connection.vendor}


def _cache() -> dict:
    cache = caches["default"]
    cache.get("readyz:probe")  # a read: through the fallback backend, it finds out whether Redis answers
    if not isinstance(cache, FallbackRedisCache):
        return {"status": OK, "backend": "local"}
    if cache.using_fallback:
        return {"status": DEGRADED, "backend": "fallback"}
    return {"status": OK, "backend": "redis"}


def _channel_layer() -> dict:
    config = settings.CHANNEL_LAYERS.get("default", {})
    if "redis" not in config.get("BACKEND", "").lower():
        return {"status": OK, "backend": "memory"}
    for client in _layer_clients(config.get("CONFIG", {}).get("hosts", [])):
        try:
            client.ping()
        except redis.RedisError:
            log.warning("readiness: the channel layer's Redis does not answer", exc_info=True)
            return {"status": DEGRADED, "backend": "redis"}
        finally:
            client.close()
    return {"status": OK, "backend": "redis"}


def _layer_clients(hosts):
    """A short-lived client for each of the layer's hosts (channels-redis's host forms)."""
    timeouts = {"socket_connect_timeout": PROBE_TIMEOUT, "socket_timeout": PROBE_TIMEOUT}
    for host in hosts:
        if isinstance(host, str):
            yield redis.Redis.from_url(host, **timeouts)
        elif isinstance(host, dict) and "address" in host:
            yield redis.Redis.from_url(host["address"], **timeouts)
        elif isinstance(host, dict):
            yield redis.Redis(host=host.get("host", "localhost"), port=host.get("port", 6379), **timeouts)
        else:
            yield redis.Redis(host=host[0], port=host[1], **timeouts)
