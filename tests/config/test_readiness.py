"""/healthz says the process answers; /readyz reports each dependency (config/health.py).

Outages are real: the Redis tests run their own redis-server and stop it, and the
database test starts the site in a subprocess whose database cannot be reached.
"""

import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from haystack import connections as search_connections

from notifications.models import Notification
from search.models import IndexTask
from tests.redis_server import RedisServer
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
PARTS = {"database", "cache", "channel_layer", "search", "email_queue", "pictures"}


def readiness(client) -> tuple[int, dict]:
    response = client.get("/readyz")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


@pytest.fixture
def search_index():
    """The test run's index, created as the first index write would."""
    search_connections["default"].get_backend().setup()


@pytest.fixture
def stopped_redis():
    server = RedisServer().start()
    server.stop()
    return server


def test_healthz_answers_ok_without_touching_the_database(client):
    response = client.get("/healthz")  # without the django_db mark, a query would raise

    assert (response.status_code, response.content) == (200, b"ok")


@pytest.mark.django_db
def test_readyz_reports_every_dependency_ok_and_writes_nothing(client, search_index):
    with CaptureQueriesContext(connection) as queries:
        status, report = readiness(client)

    assert status == 200
    assert report["status"] == "ok"
    assert set(report) >= PARTS
    assert {name: report[name]["status"] for name in PARTS} == dict.fromkeys(PARTS, "ok")
    assert report["database"]["vendor"] == connection.vendor
    assert report["search"]["index"] == "opens"
    assert (report["search"]["backlog"], report["email_queue"]["waiting"]) == (0, 0)
    statements = [query["sql"].lstrip().split()[0].upper() for query in queries]
    assert set(statements) == {"SELECT"}, statements
    assert len(statements) <= 6


@pytest.mark.django_db
def test_readyz_sets_no_cookie_for_a_visitor(client, search_index):
    response = client.get("/readyz")

    assert not response.cookies


@pytest.mark.django_db
def test_readyz_says_the_cache_is_degraded_and_on_its_fallback_while_redis_is_stopped(
    client, search_index, stopped_redis
):
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "web.cache.FallbackRedisCache",
                "LOCATION": stopped_redis.url(),
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
    ):
        status, report = readiness(client)

    assert status == 200
    assert report["cache"] == {"status": "degraded", "backend": "fallback", "ms": report["cache"]["ms"]}
    assert report["status"] == "degraded"
    assert report["database"]["status"] == "ok"


@pytest.mark.django_db
def test_readyz_says_the_channel_layer_is_degraded_while_its_redis_is_stopped(client, search_index, stopped_redis):
    layer = {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [{"address": stopped_redis.url(), "socket_timeout": None}]},
    }
    started = time.monotonic()
    with override_settings(CHANNEL_LAYERS={"default": layer}):
        status, report = readiness(client)

    assert status == 200
    assert (report["channel_layer"]["status"], report["channel_layer"]["backend"]) == ("degraded", "redis")
    assert time.monotonic() - started < 1


@pytest.mark.django_db
def test_readyz_says_search_is_degraded_when_the_index_does_not_open(client, settings, tmp_path):
    settings.HAYSTACK_CONNECTIONS = {
        "default": {**settings.HAYSTACK_CONNECTIONS["default"], "PATH": str(tmp_path / "no-index-here")}
    }

    status, report = readiness(client)

    assert status == 200
    assert (report["search"]["status"], report["search"]["index"]) == ("degraded", "does not open")
    assert not (tmp_path / "no-index-here").exists()  # looked at, not created


@pytest.mark.postgres
@pytest.mark.django_db
def test_readyz_says_postgres_search_opens_then_degraded_once_its_tsvector_is_gone(client, settings):
    settings.HAYSTACK_CONNECTIONS = {
        "default": {**settings.HAYSTACK_CONNECTIONS["default"], "ENGINE": settings.SEARCH_ENGINES["postgres"]}
    }
    _status, report = readiness(client)
    assert (report["search"]["status"], report["search"]["index"]) == ("ok", "opens")

    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute("ALTER TABLE search_document DROP COLUMN document")
    status, report = readiness(client)

    assert status == 200
    assert (report["search"]["status"], report["search"]["index"]) == ("degraded", "does not open")


@pytest.mark.django_db
def test_readyz_counts_the_search_backlog_and_says_degraded_when_it_lags(client, search_index):
    IndexTask.objects.create(kind=IndexTask.Kind.POST, object_id=1)
    IndexTask.objects.create(kind=IndexTask.Kind.POST, object_id=2)

    _status, report = readiness(client)
    assert (report["search"]["status"], report["search"]["backlog"]) == ("ok", 2)

    IndexTask.objects.filter(object_id=1).update(created_at=timezone.now() - timedelta(hours=1))
    _status, report = readiness(client)
    assert (report["search"]["status"], report["search"]["backlog"]) == ("degraded", 2)
    assert report["search"]["oldest_seconds"] >= 3600


@pytest.mark.django_db
def test_readyz_counts_notifications_waiting_for_email_and_says_degraded_when_nobody_sends_them(
    client, search_index, member, settings
):
    settings.NOTIFICATION_EMAIL_DELAY_MINUTES = 10
    now = timezone.now()
    Notification.objects.create(recipient=member, kind="reply", updated_at=now - timedelta(minutes=15))
    Notification.objects.create(recipient=member, kind="reply", updated_at=now)  # not due yet
    Notification.objects.create(recipient=member, kind="reply", updated_at=now - timedelta(hours=1), read_at=now)

    _status, report = readiness(client)
    assert report["email_queue"]["status"] == "ok"
    assert report["email_queue"]["waiting"] == 1

    Notification.objects.create(recipient=member, kind="mention", updated_at=now - timedelta(hours=2))
    _status, report = readiness(client)
    assert report["email_queue"]["status"] == "degraded"
    assert report["email_queue"]["waiting"] == 2


def _unreachable_database_url() -> str:
    outer = os.environ.get("DATABASE_URL", "")
    if outer.startswith(("postgres://", "postgresql://")):
        return f"postgres://postgres@127.0.0.1:{free_port()}/agora_unreachable"
    return "sqlite:////nonexistent-folder/agora.sqlite3"


def test_readyz_answers_503_when_the_database_is_unreachable(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=_unreachable_database_url(),
        SEARCH_PATH=str(tmp_path / "whoosh"),
    )
    env.pop("REDIS_URL", None)
    script = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/readyz', HTTP_HOST='localhost'); print(r.status_code); print(r.content.decode())"
    )
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-2:]
    report = json.loads(body)

    assert status == "503"
    assert report["status"] == "down"
    assert report["database"]["status"] == "down"
    assert report["cache"]["status"] == "ok"  # what does not need the database is still reported
    assert report["search"] == {"status": "unknown"}
    assert report["email_queue"] == {"status": "unknown"}
    assert "nonexistent" not in body and "agora_unreachable" not in body  # no connection details
    assert time.monotonic() - started < 30
