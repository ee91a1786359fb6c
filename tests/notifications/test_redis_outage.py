"""A real Redis outage under a real daphne: the forum degrades, it does not go down.

The test runs its own redis-server on a free port (tests/redis_server.py) and one daphne
with REDIS_URL pointing at it (cache, channel layer), on a database of its own (a SQLite
file, or a throwaway PostgreSQL database when DATABASE_URL points at one), set up like the
two-process tests' (tests/notifications/test_cross_process.py). With Redis stopped, a
visitor reads, a member reads, another member logs in and posts a reply, with posting and
log-in limits on: every answer is a 200 or a redirect, and the reply is saved. Redis is then
started again on the same port, empty: the open socket is told to resync as soon as the
channel layer is back, its resume brings the notification pushed during the outage, and a
notification pushed after the restart arrives within 2 seconds.
"""

import asyncio
import json
import os
import secrets
import time
from pathlib import Path

import pytest

from tests.notifications.test_cross_process import PASSWORD, Browser, _start_daphne, _stop
from tests.notifications.ws_client import Socket
from tests.redis_server import RedisServer
from tests.servers import PostgresDatabase, run_manage

pytestmark = pytest.mark.redis

PUSH_WITHIN = 2  # seconds, for a push once Redis is back
RESYNC_WITHIN = 5  # seconds after the restart: the layer retries about every second
REQUEST_WITHIN = 3  # seconds, for any page during the outage

SETUP = """
import json
from allauth.account.models import EmailAddress
from forum import services
from forum.models import Category
from moderation import limits
from profiles.models import Member

def member(username, name):
    m = Member.objects.create_user(username=username, email=f"{username}@example.com", password=%(password)r,
                                   display_name=name)
    EmailAddress.objects.create(user=m, email=m.email, verified=True, primary=True)
    return m

alice = member("alice", "Alice Martin")
member("bruno", "Bruno Lefèvre")
member("carla", "Carla Rossi")
general = Category.objects.create(slug="general", name="General")
with limits.exempt():
    thread = services.start_thread(category=general, author=alice, title="How do I pair my lamp?",
                                   body="It blinks twice, then stops.")
print(json.dumps({"thread": thread.pk, "path": thread.get_absolute_url()}))
"""

REPLY_SAVED = """
import json
from forum.models import Post
print(json.dumps({"saved": Post.objects.filter(body=%(body)r).count()}))
"""


def _shell(env: dict, script: str) -> dict:
    return json.loads(run_manage(env, "shell", "-c", script).stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """daphne on its own database and its own redis-server; yields (env, base URL, thread, Redis, log)."""
    tmp = tmp_path_factory.mktemp("agora-redis-outage")
    redis_server = RedisServer()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    outer_db = env.get("DATABASE_URL", "").strip()
    postgres = PostgresDatabase(outer_db) if outer_db.startswith(("postgres://", "postgresql://")) else None
    token = secrets.token_hex(4)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        ENVIRONMENT="demo",
        DEBUG="false",
        VAR_DIR=str(tmp / "var"),
        MEDIA_ROOT=str(tmp / "var" / "media"),
        DATABASE_URL=postgres.url if postgres else f"sqlite:///{tmp / 'db.sqlite3'}",
        EMAIL_URL=f"file://{tmp / 'mail'}",
        SEARCH_PATH=str(tmp / "whoosh"),
        REDIS_URL=redis_server.url(0),
        CACHE_PREFIX=f"agora-outage-{token}",
        CHANNEL_PREFIX=f"agora-outage-{token}",
        RATE_LIMITS="true",
        POSTING_LIMITS="true",
        PYTHONUNBUFFERED="1",
    )
    env.pop("SECRET_KEY", None)
    (tmp / "var").mkdir()
    (tmp / "mail").mkdir()
    log = tmp / "daphne.log"
    process = None
    if postgres:
        postgres.create()
    try:
        redis_server.start()
        run_manage(env, "migrate", "--noinput", timeout=300)
        made = _shell(env, SETUP % {"password": PASSWORD})
        process, base = _start_daphne(env, log)
        yield env, base, made, redis_server, log
    finally:
        if process is not None:
            _stop(process)
        redis_server.stop()
        if postgres:
            postgres.drop()


def timed(call, *args):
    started = time.monotonic()
    result = call(*args)
    elapsed = time.monotonic() - started
    assert elapsed < REQUEST_WITHIN, f"{call.__name__}{args} took {elapsed:.1f}s during the outage"
    return result


async def next_of_type(socket: Socket, kind: str, within: float, log: Path) -> dict:
    loop = asyncio.get_running_loop()
    deadline, seen = loop.time() + within, []
    try:
        while True:
            message = await socket.receive(timeout=max(deadline - loop.time(), 0.01))
            if message["type"] == kind:
                return message
            seen.append(message["type"])
    except TimeoutError:
        pytest.fail(f"no {kind!r} within {within}s (saw {seen})\n--- daphne ---\n{log.read_text()}", pytrace=False)


async def test_with_redis_stopped_the_forum_works_and_open_pages_catch_up_when_it_returns(site):
    env, base, made, redis_server, log = site
    thread_path = made["path"]
    alice = await asyncio.to_thread(lambda: Browser(base).log_in("alice"))
    socket = await Socket.open(base, headers={"Cookie": f"sessionid={alice.cookie('sessionid')}"})
    try:
        assert (await socket.receive())["type"] == "hello"

        redis_server.stop()

        def outage():
            visitor = Browser(base)
            assert timed(visitor.get, "/")[0] == 200
            assert timed(visitor.get, thread_path)[0] == 200
            assert timed(alice.get, thread_path)[0] == 200  # a member's page
            bruno = timed(Browser(base).log_in, "bruno")  # a log-in (rate limits on)
            status, _url, html = timed(
                bruno.post_form, f"{thread_path}reply/", thread_path, {"body": "Hold the button for five seconds."}
            )
            assert status == 200 and "Hold the button for five seconds." in html

        await asyncio.to_thread(outage)
        saved = await asyncio.to_thread(_shell, env, REPLY_SAVED % {"body": "Hold the button for five seconds."})
        assert saved == {"saved": 1}

        redis_server.start()  # the same port, empty

        await next_of_type(socket, "resync", RESYNC_WITHIN, log)
        socket.send({"type": "resume", "after": 0})  # what live.js answers to "resync"
        missed = await next_of_type(socket, "notification", PUSH_WITHIN, log)
        assert missed["text"] == "Bruno Lefèvre replied to “How do I pair my lamp?”"

        def reply_after_the_restart():
            carla = Browser(base).log_in("carla")
            carla.post_form(f"{thread_path}reply/", thread_path, {"body": "Or unplug it for ten seconds."})

        await asyncio.to_thread(reply_after_the_restart)
        started = time.monotonic()
        pushed = await next_of_type(socket, "notification", PUSH_WITHIN, log)
        assert time.monotonic() - started < PUSH_WITHIN
        assert pushed["kind"] == "reply" and pushed["unread"] == 1  # collapsed into the unread row
    finally:
        await socket.close()
