"""Two real daphne processes sharing one Redis channel layer and one database.

A member logs in over HTTP on process A and opens a WebSocket to process B;
another member replies through the form on process A; the notification must
reach the socket on B. The soak test keeps an idle socket on B open for 70 s:
with channels-redis and redis-py's default 5 s socket timeout an idle
consumer dies after about 5 s (channels_redis#422; PERFORMANCE.md, "Traps seen").

The servers run like the browser tests', with the helpers of tests/servers.py:
their own VAR_DIR and database (a SQLite file, or a throwaway PostgreSQL database
when DATABASE_URL points at one), set up by manage.py subprocesses. Redis is the
server REDIS_URL names, on a database number of its own (the suite's cache
clearing flushes the outer one) and with this run's own
key prefixes, deleted at the end.
"""

import asyncio
import http.cookiejar
import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis

from tests.conftest import require_service
from tests.notifications.ws_client import Socket
from tests.servers import PostgresDatabase, free_port, run_manage, wait_until_serving

pytestmark = pytest.mark.redis

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"
DELIVERY_TIMEOUT = 5
SOAK_SECONDS = 70

SETUP = """
import json
from allauth.account.models import EmailAddress
from forum import services
from forum.models import Category
from profiles.models import Member

def member(username, name):
    m = Member.objects.create_user(username=username, email=f"{username}@example.com", password=%(password)r,
                                   display_name=name)
    EmailAddress.objects.create(user=m, email=m.email, verified=True, primary=True)
    return m

alice, bruno = member("alice", "Alice Martin"), member("bruno", "Bruno Lefèvre")
general = Category.objects.create(slug="general", name="General")
threads = [
    services.start_thread(category=general, author=alice, title=title, body="It blinks twice, then stops.")
    for title in ("How do I pair my lamp?", "Why does my lamp blink?")
]
print(json.dumps({"threads": [[t.pk, t.get_absolute_url()] for t in threads]}))
"""


def _dedicated_redis_url(outer: str, databases: tuple[str, str] = ("7", "8")) -> str:
    """The outer Redis server, on a database number the suite's own cache does not use: the
    first of `databases`, or the second if the outer URL is on the first. Each module that
    starts a cluster passes its own pair, so that modules run side by side do not meet."""
    parts = urlsplit(outer)
    outer_db = parts.path.strip("/") or "0"
    own_db = databases[0] if outer_db != databases[0] else databases[1]
    return urlunsplit(parts._replace(path=f"/{own_db}"))


def _redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def _delete_keys(url: str, prefix: str):
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    for key in client.scan_iter(match=f"{prefix}*", count=500):
        client.delete(key)


def _start_daphne(env: dict, log_path: Path) -> tuple[subprocess.Popen, str]:
    with log_path.open("ab") as log:
        for _attempt in range(3):  # the port can be taken between picking it and binding it
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            process = subprocess.Popen(
                [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
            if wait_until_serving(process, f"{url}/", log_path):
                return process, url
    pytest.fail(f"daphne would not start:\n{log_path.read_text()}", pytrace=False)


def _stop(process: subprocess.Popen):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Cluster:
    a: str  # base URL of process A
    b: str  # base URL of process B
    threads: list  # [id, path], one per test that posts a reply
    logs: list[Path] = field(default_factory=list)
    env: dict = field(default_factory=dict)  # the servers' environment, for manage.py on their database

    def log_text(self) -> str:
        return "\n".join(f"--- {path.name} ---\n{path.read_text()}" for path in self.logs if path.exists())

    def shell(self, script: str) -> dict:
        """Run a script against the servers' database, Redis and channel layer (see _shell)."""
        return _shell(self.env, script)


def _shell(env: dict, script: str) -> dict:
    """Run a `manage.py shell -c` script; return the JSON object it prints last."""
    return json.loads(run_manage(env, "shell", "-c", script).stdout.strip().splitlines()[-1])


@contextmanager
def running_cluster(tmp: Path, *, setup: str, redis_databases: tuple[str, str] = ("7", "8")) -> Iterator[Cluster]:
    """Two daphne processes on one database (set up by the `setup` shell script, whose last
    line of output is JSON with an optional "threads" list) and one Redis database of their own."""
    outer_redis = os.environ.get("REDIS_URL", "").strip()
    require_service("Redis", bool(outer_redis), "set REDIS_URL=redis://...")
    redis_url = _dedicated_redis_url(outer_redis, redis_databases)
    require_service("Redis", _redis_answers(redis_url), f"no answer from {redis_url}")

    token = secrets.token_hex(4)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    outer_db = env.get("DATABASE_URL", "").strip()
    postgres = PostgresDatabase(outer_db) if outer_db.startswith(("postgres://", "postgresql://")) else None
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        ENVIRONMENT="demo",
        DEBUG="false",
        VAR_DIR=str(tmp / "var"),
        MEDIA_ROOT=str(tmp / "var" / "media"),
        DATABASE_URL=postgres.url if postgres else f"sqlite:///{tmp / 'db.sqlite3'}",
        EMAIL_URL=f"file://{tmp / 'mail'}",
        SEARCH_PATH=str(tmp / "whoosh"),
        REDIS_URL=redis_url,
        CACHE_PREFIX=f"agora-2p-{token}",
        CHANNEL_PREFIX=f"agora-2p-{token}",
        RATE_LIMITS="false",
        POSTING_LIMITS="false",
        PYTHONUNBUFFERED="1",
    )
    env.pop("SECRET_KEY", None)  # generated once under the shared VAR_DIR, so both processes sign alike
    (tmp / "var").mkdir()
    (tmp / "mail").mkdir()
    processes = []
    if postgres:
        postgres.create()
    try:
        run_manage(env, "migrate", "--noinput", timeout=300)
        made = _shell(env, setup)
        logs, urls = [tmp / "daphne-a.log", tmp / "daphne-b.log"], []
        for log in logs:
            process, url = _start_daphne(env, log)
            processes.append(process)
            urls.append(url)
        yield Cluster(a=urls[0], b=urls[1], threads=made.get("threads", []), logs=logs, env=env)
    finally:
        for process in processes:
            _stop(process)
        _delete_keys(redis_url, f"agora-2p-{token}")
        if postgres:
            postgres.drop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with running_cluster(tmp_path_factory.mktemp("agora-two-processes"), setup=SETUP % {"password": PASSWORD}) as run:
        yield run


# HTTP, as a browser would ---------------------------------------------------------------------


class Browser:
    """Cookies and CSRF tokens over plain urllib, against one server."""

    CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(self.base + path, timeout=20) as response:
            return response.status, response.read().decode()

    def post_form(self, path: str, form_page: str, data: dict) -> tuple[int, str, str]:
        """Fetch the form's page for its CSRF token, then post; returns (status, final URL, HTML)."""
        _status, html = self.get(form_page)
        token = self.CSRF.search(html)
        assert token, f"no CSRF token on {form_page}"
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), **data}).encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST")  # noqa: S310 (our loopback)
        with self.opener.open(request, timeout=20) as response:
            return response.status, response.url, response.read().decode()

    def log_in(self, username: str):
        status, url, _html = self.post_form(
            "/accounts/login/", "/accounts/login/", {"login": username, "password": PASSWORD}
        )
        assert status == 200 and not url.endswith("/accounts/login/"), f"{username} could not log in"
        return self

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.jar if c.name == name)


def reply_through_the_form(base: str, thread_path: str, body: str):
    bruno = Browser(base).log_in("bruno")
    status, url, html = bruno.post_form(f"{thread_path}reply/", thread_path, {"body": body})
    assert status == 200 and body in html, f"the reply was not posted (ended at {url})"


def article_as(base: str, session_cookie: str, reply: dict) -> str:
    """The article a page fetches for a live reply, as that reader (forum:post_fragment)."""
    request = urllib.request.Request(base + reply["url"], headers={"Cookie": f"sessionid={session_cookie}"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 (our loopback)
        return response.read().decode()


# WebSocket, as a browser would ----------------------------------------------------------------


@pytest.fixture
async def sockets():
    """Open a socket to a server with a session cookie; check the greeting; close each at the end."""
    opened = []

    async def open_(base: str, session_cookie: str) -> Socket:
        socket = await Socket.open(base, headers={"Cookie": f"sessionid={session_cookie}"})
        opened.append(socket)
        assert (await socket.receive())["type"] == "hello"
        return socket

    yield open_
    for socket in opened:
        await socket.close()


async def receive_types(socket: Socket, kinds: set[str], cluster: Cluster) -> dict[str, dict]:
    """The first message of each type in `kinds`, all within DELIVERY_TIMEOUT seconds."""
    loop = asyncio.get_running_loop()
    deadline, found = loop.time() + DELIVERY_TIMEOUT, {}
    try:
        while not kinds <= set(found):  # other types may arrive too (a staff queue count)
            message = await socket.receive(timeout=max(deadline - loop.time(), 0.01))
            found.setdefault(message["type"], message)
    except TimeoutError:
        pytest.fail(f"only {sorted(found)} of {sorted(kinds)} arrived in {DELIVERY_TIMEOUT}s\n{cluster.log_text()}")
    return found


async def log_in(base: str, username: str) -> str:
    browser = await asyncio.to_thread(lambda: Browser(base).log_in(username))
    return browser.cookie("sessionid")


async def subscribe(socket: Socket, thread_id: int):
    socket.send({"type": "subscribe", "thread": thread_id})
    assert await socket.receive() == {"type": "subscribed", "thread": thread_id}


# Tests ----------------------------------------------------------------------------------------


async def test_a_reply_posted_on_one_process_reaches_a_socket_on_the_other(cluster, sockets):
    thread_id, thread_path = cluster.threads[0]
    cookie = await log_in(cluster.a, "alice")  # logged in on A, listening on B
    socket = await sockets(cluster.b, cookie)
    await subscribe(socket, thread_id)

    await asyncio.to_thread(reply_through_the_form, cluster.a, thread_path, "Hold the button for five seconds.")

    found = await receive_types(socket, {"notification", "reply"}, cluster)
    notification, reply = found["notification"], found["reply"]
    assert (notification["kind"], notification["unread"]) == ("reply", 1)
    assert notification["text"] == "Bruno Lefèvre replied to “How do I pair my lamp?”"
    assert notification["url"] == f"/notifications/{notification['id']}/open/"
    assert reply["thread"] == thread_id
    article = await asyncio.to_thread(article_as, cluster.b, cookie, reply)
    assert "Hold the button for five seconds." in article


async def test_an_idle_socket_stays_open_for_over_a_minute_and_still_receives(cluster, sockets):
    thread_id, thread_path = cluster.threads[1]
    cookie = await log_in(cluster.a, "alice")
    socket = await sockets(cluster.b, cookie)
    await subscribe(socket, thread_id)
    started = time.monotonic()

    done, _pending = await asyncio.wait([socket.closed], timeout=SOAK_SECONDS)

    assert not done, f"the idle socket closed after {time.monotonic() - started:.0f}s: {socket.closed.result()}"
    assert socket.messages.empty()
    socket.send({"type": "ping"})
    assert await socket.receive() == {"type": "pong"}
    await asyncio.to_thread(reply_through_the_form, cluster.a, thread_path, "Unplug it for ten seconds.")
    found = await receive_types(socket, {"notification", "reply"}, cluster)
    assert found["notification"]["text"] == "Bruno Lefèvre replied to “Why does my lamp blink?”"
    assert "Unplug it for ten seconds." in await asyncio.to_thread(article_as, cluster.b, cookie, found["reply"])
