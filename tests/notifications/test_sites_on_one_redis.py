"""Two sites on one Redis server, told apart by nothing but REDIS_URL's database number.

Site B is a clone of site A (staging copied from production: the same members, threads,
ids and secret key), so every group name and cache key is the same on both. Site A runs
two daphne processes, site B one, none with CHANNEL_PREFIX set: the channel prefix is
derived from the database number (config/shared_redis.py), and the cache keeps to its
database, with the same CACHE_PREFIX on both sites.

The sites use the outer REDIS_URL's database and the next one.
"""

import asyncio
import json
import os
import secrets
import shutil
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis

from tests.conftest import require_service
from tests.notifications.test_cross_process import (
    PASSWORD,
    SETUP,
    Browser,
    _delete_keys,
    _redis_answers,
    _start_daphne,
    _stop,
    reply_through_the_form,
)
from tests.notifications.ws_client import Socket
from tests.servers import PostgresDatabase, run_manage

pytestmark = pytest.mark.redis

QUIET_SECONDS = 2  # how long a socket of the other site is watched for a push that must not come


def _database_number(url: str) -> int:
    return redis.connection.parse_url(url).get("db", 0)


def _on_database(url: str, number: int) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{number}", query=""))


def _clone_postgres(source: PostgresDatabase, copy: PostgresDatabase):
    import psycopg
    from psycopg import sql

    admin_url = urlunsplit(urlsplit(source.outer_url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(copy.name), sql.Identifier(source.name))
        )


@dataclass
class Site:
    redis_url: str
    urls: list[str]
    pids: list[int]
    threads: list = field(default_factory=list)


@dataclass
class Sites:
    a: Site
    b: Site
    cache_prefix: str
    logs: list[Path]

    def log_text(self) -> str:
        return "\n".join(f"--- {path.name} ---\n{path.read_text()}" for path in self.logs if path.exists())


def _site_env(base: dict, tmp: Path, database_url: str, redis_url: str) -> dict:
    return {
        **base,
        "VAR_DIR": str(tmp / "var"),
        "MEDIA_ROOT": str(tmp / "var" / "media"),
        "SEARCH_PATH": str(tmp / "var" / "whoosh"),
        "EMAIL_URL": f"file://{tmp / 'mail'}",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
    }


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    outer_redis = os.environ.get("REDIS_URL", "").strip()
    require_service("Redis", bool(outer_redis), "set REDIS_URL=redis://...")
    number = _database_number(outer_redis)
    redis_a, redis_b = _on_database(outer_redis, number), _on_database(outer_redis, (number + 1) % 16)
    require_service("Redis", _redis_answers(redis_b), f"no answer from {redis_b}")

    tmp_a, tmp_b = tmp_path_factory.mktemp("site-a"), tmp_path_factory.mktemp("site-b")
    cache_prefix = f"agora-sites-{secrets.token_hex(4)}"  # the same on both: only the database differs
    base = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    for key in ("SECRET_KEY", "CHANNEL_PREFIX"):
        base.pop(key, None)
    base.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        ENVIRONMENT="demo",
        DEBUG="false",
        CACHE_PREFIX=cache_prefix,
        RATE_LIMITS="false",
        POSTING_LIMITS="false",
        PYTHONUNBUFFERED="1",
    )
    outer_db = base.get("DATABASE_URL", "").strip()
    postgres = [PostgresDatabase(outer_db) for _ in "ab"] if outer_db.startswith(("postgres", "postgresql")) else []
    database_a = postgres[0].url if postgres else f"sqlite:///{tmp_a / 'var' / 'db.sqlite3'}"
    database_b = postgres[1].url if postgres else f"sqlite:///{tmp_b / 'var' / 'db.sqlite3'}"
    env_a = _site_env(base, tmp_a, database_a, redis_a)
    env_b = _site_env(base, tmp_b, database_b, redis_b)
    processes, logs = [], [tmp_a / "daphne-a1.log", tmp_a / "daphne-a2.log", tmp_b / "daphne-b.log"]
    try:
        (tmp_a / "var").mkdir()
        (tmp_a / "mail").mkdir()
        if postgres:
            postgres[0].create()
        run_manage(env_a, "migrate", "--noinput", timeout=300)
        made = run_manage(env_a, "shell", "-c", SETUP % {"password": PASSWORD}).stdout.strip().splitlines()[-1]
        threads = json.loads(made)["threads"]
        # The clone: database, secret key file and search index, as staging copied from production.
        shutil.copytree(tmp_a / "var", tmp_b / "var")
        (tmp_b / "mail").mkdir()
        if postgres:
            _clone_postgres(postgres[0], postgres[1])
        started = [_start_daphne(env, log) for env, log in zip((env_a, env_a, env_b), logs, strict=True)]
        processes = [process for process, _url in started]
        urls = [url for _process, url in started]
        yield Sites(
            a=Site(redis_a, urls[:2], [p.pid for p in processes[:2]], threads),
            b=Site(redis_b, urls[2:], [processes[2].pid], threads),
            cache_prefix=cache_prefix,
            logs=logs,
        )
    finally:
        for process in processes:
            _stop(process)
        for url in (redis_a, redis_b):
            _delete_keys(url, cache_prefix)
        for database in postgres:
            database.drop()


@pytest.fixture
async def sockets():
    opened = []

    async def open_(base: str, session_cookie: str) -> Socket:
        socket = await Socket.open(base, headers={"Cookie": f"sessionid={session_cookie}"})
        opened.append(socket)
        return socket

    yield open_
    for socket in opened:
        await socket.close()


async def _logged_in_socket(sockets, log_in_on: str, listen_on: str, thread_id: int) -> Socket:
    cookie = await asyncio.to_thread(lambda: Browser(log_in_on).log_in("alice").cookie("sessionid"))
    socket = await sockets(listen_on, cookie)
    assert (await socket.receive())["type"] == "hello"
    socket.send({"type": "subscribe", "thread": thread_id})
    assert await socket.receive() == {"type": "subscribed", "thread": thread_id}
    return socket


async def _received(socket: Socket, seconds: float) -> list[dict]:
    """Every message that arrives within `seconds`."""
    loop = asyncio.get_running_loop()
    deadline, messages = loop.time() + seconds, []
    while (left := deadline - loop.time()) > 0:
        try:
            messages.append(await socket.receive(timeout=left))
        except TimeoutError:
            break
    return messages


async def _notification_and_reply(socket: Socket, sites: Sites) -> set[str]:
    kinds = {message["type"] for message in await _received(socket, 5)}
    assert {"notification", "reply"} <= kinds, f"only {sorted(kinds)} arrived\n{sites.log_text()}"
    return kinds


def _clients_on(watcher: redis.Redis, url: str) -> int:
    number = str(_database_number(url))
    return sum(1 for client in watcher.client_list() if client["db"] == number)


async def test_a_reply_reaches_the_sockets_of_its_own_site_and_never_those_of_the_other(sites, sockets):
    thread_id, thread_path = sites.a.threads[0]
    # The same member following the same thread id on both sites: the same group names.
    on_a = await _logged_in_socket(sockets, sites.a.urls[0], sites.a.urls[1], thread_id)
    on_b = await _logged_in_socket(sockets, sites.b.urls[0], sites.b.urls[0], thread_id)

    await asyncio.to_thread(reply_through_the_form, sites.a.urls[0], thread_path, "Reset it from the app.")
    await _notification_and_reply(on_a, sites)  # posted on A's first process, read on its second
    assert await _received(on_b, QUIET_SECONDS) == []

    await asyncio.to_thread(reply_through_the_form, sites.b.urls[0], thread_path, "Staging says hello.")
    await _notification_and_reply(on_b, sites)
    assert await _received(on_a, QUIET_SECONDS) == []


def _visit(url: str) -> tuple[str, str]:
    """A visitor's GET (no cookie): the page and whether it came from the page cache."""
    with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 (our loopback)
        return response.read().decode(), response.headers.get("X-Page-Cache", "miss")


async def test_a_page_cached_by_one_site_is_never_served_by_the_other(sites):
    """Visitors' pages are cached under the same key on both clones: only the database
    number keeps site A's copy away from site B's visitors."""
    _thread_id, thread_path = sites.a.threads[1]
    await asyncio.to_thread(reply_through_the_form, sites.b.urls[0], thread_path, "Only said on staging.")

    page_a, _ = await asyncio.to_thread(_visit, sites.a.urls[0] + thread_path)
    page_a_again, cached_a = await asyncio.to_thread(_visit, sites.a.urls[0] + thread_path)
    page_b, _ = await asyncio.to_thread(_visit, sites.b.urls[0] + thread_path)

    assert "Only said on staging." not in page_a
    assert (cached_a, page_a_again) == ("hit", page_a)  # A's copy is in A's cache...
    assert "Only said on staging." in page_b  # ...and B renders its own


async def test_each_socket_costs_one_descriptor_and_no_redis_connection(sites, sockets):
    """Before, every socket kept a Redis connection of its own (its session read through the cache)."""
    listener_url, listener_pid = sites.a.urls[1], sites.a.pids[1]
    watcher = redis.Redis.from_url(sites.a.redis_url)
    cookie = await asyncio.to_thread(lambda: Browser(sites.a.urls[0]).log_in("alice").cookie("sessionid"))
    first = await sockets(listener_url, cookie)
    assert (await first.receive())["type"] == "hello"
    redis_before = _clients_on(watcher, sites.a.redis_url)
    fds_before = len(os.listdir(f"/proc/{listener_pid}/fd"))

    more = [await sockets(listener_url, cookie) for _ in range(100)]
    greetings = await asyncio.gather(*(socket.receive() for socket in more))

    assert {message["type"] for message in greetings} == {"hello"}
    assert _clients_on(watcher, sites.a.redis_url) - redis_before <= 1
    assert 100 <= len(os.listdir(f"/proc/{listener_pid}/fd")) - fds_before <= 105
