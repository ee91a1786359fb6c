"""Shared fixtures: members in every role, a logged-in client, a clean cache.

Tests that need PostgreSQL, Redis or Chromium call `require_service`: locally
they skip when the service is absent; with CI=true they fail instead, so CI
can never pass by skipping.
"""

import itertools
import os
import tempfile
import threading

import pytest
from django.core.cache import cache

from config.translations import compile_catalogues

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

_counter = itertools.count(1)


def pytest_configure(config):
    compile_catalogues()
    if not config.pluginmanager.hasplugin("django"):
        return  # the browser tests (-p no:django) talk to their own server
    # A real Whoosh index, in a temporary folder of this test run: never the demo's var/whoosh.
    from django.conf import settings

    search_path = tempfile.mkdtemp(prefix="agora-test-whoosh-")
    settings.HAYSTACK_CONNECTIONS["default"]["PATH"] = search_path
    settings.SEARCH_PATH = search_path
    # Each commit writes the index at once, as a test reads it; the pacing has tests of its own.
    settings.SEARCH_INLINE_INTERVAL_MS = 0


def all_at_once(calls) -> list[BaseException]:
    """Run each call in a thread of its own (so on its own database connection), all released
    together; return what they raised."""
    from django.db import connections

    barrier = threading.Barrier(len(calls))
    errors = []

    def run(call):
        try:
            barrier.wait(timeout=30)
            call()
        except BaseException as error:  # reported to the test, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a call never finished"
    return errors


@pytest.fixture
async def channel_layer():
    """The configured channel layer; afterwards, the one configured then (a test may swap it) is
    flushed, so that no group membership is left for the next test."""
    from channels.layers import get_channel_layer

    yield get_channel_layer()
    current = get_channel_layer()
    await current.flush()
    if hasattr(current, "close_pools"):
        await current.close_pools()


def require_service(name: str, available: bool, why: str = ""):
    """Skip (locally) or fail (in CI) a test whose service is missing."""
    if available:
        return
    message = f"{name} is not available{': ' + why if why else ''}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: a missing service is a failure, not a skip)")
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _require_marked_services(request):
    """@pytest.mark.postgres / @pytest.mark.redis: the service must be configured (see require_service)."""
    if request.node.get_closest_marker("postgres"):
        from django.conf import settings

        engine = settings.DATABASES["default"]["ENGINE"]
        require_service("PostgreSQL", "postgresql" in engine or "postgis" in engine, "set DATABASE_URL=postgres://…")
    if request.node.get_closest_marker("redis"):
        from django.conf import settings

        require_service("Redis", bool(settings.REDIS_URL), "set REDIS_URL=redis://…")


@pytest.fixture(autouse=True)
def _no_posting_limits(request):
    """Posting limits (moderation/limits.py) are off unless a test turns them on: most tests post fast."""
    if request.config.pluginmanager.hasplugin("django"):
        settings = request.getfixturevalue("settings")
        settings.POSTING_LIMITS = False
        # Visitors' page cache too: tests read pages right after writing, inside one transaction.
        settings.PAGE_CACHE = False


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate limits and cached pages live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_member(db, django_user_model):
    """Create a member with a verified email; roles by keyword."""
    from allauth.account.models import EmailAddress

    def make(
        username=None,
        *,
        password="correct-horse-battery",
        staff=False,
        title="",
        moderator=False,
        admin=False,
        **fields,
    ):
        n = next(_counter)
        username = username or f"member{n}"
        member = django_user_model.objects.create_user(
            username=username,
            email=fields.pop("email", f"{username}@example.com"),
            password=password,
            is_brand_staff=staff,
            staff_title=title,
            is_moderator=moderator,
            is_superuser=admin,
            is_staff=admin,
            **fields,
        )
        EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
        return member

    return make


@pytest.fixture
def member(make_member):
    return make_member("alice", display_name="Alice Martin")


@pytest.fixture
def other_member(make_member):
    return make_member("bruno", display_name="Bruno Lefèvre")


@pytest.fixture
def carol(make_member):
    return make_member("carol", display_name="Carol Nguyen")


@pytest.fixture
def dmitri(make_member):
    return make_member("dmitri", display_name="Dmitri Roux")


IDEA_TITLE = "Let scenes follow the sunset"


@pytest.fixture
def ideas_category(make_category):
    from forum.models import Category

    return make_category("ideas", name="Ideas", kind=Category.Kind.IDEAS, position=4)


@pytest.fixture
def staff_ideas(make_category):
    from forum.models import Category

    return make_category("staff-ideas", name="Staff ideas", kind=Category.Kind.IDEAS, access=Category.Access.STAFF)


@pytest.fixture
def idea(make_thread, ideas_category, member):
    """Alice proposes an idea."""
    return make_thread(category=ideas_category, author=member, title=IDEA_TITLE)


@pytest.fixture
def staff_member(make_member):
    return make_member("sophie", display_name="Sophie Durand", staff=True, title="Acme Support")


@pytest.fixture
def moderator(make_member):
    return make_member("marc", display_name="Marc Petit", moderator=True)


@pytest.fixture
def admin_member(make_member):
    return make_member("root", admin=True)


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def admin_client(client, admin_member):
    """Overrides pytest-django's own admin_client, which makes a user without our roles."""
    client.force_login(admin_member)
    return client


# Shared by the app folders' tests ------------------------------------------------------


@pytest.fixture(autouse=True)
def _fast_password_hashing(request):
    """Members are made by the dozen; the hash algorithm is not what these tests check."""
    if request.config.pluginmanager.hasplugin("django"):
        request.getfixturevalue("settings").PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def _request_handler():
    """One request handler for the whole run: building one loads every middleware."""
    from django.test import Client

    return Client().handler


@pytest.fixture
def client(_request_handler):
    """pytest-django's client, on the shared request handler."""
    from django.test import Client

    client = Client()
    client.handler = _request_handler
    return client


@pytest.fixture
def make_category(db):
    from forum.models import Category

    def make(slug, *, kind=Category.Kind.DISCUSSION, access=Category.Access.PUBLIC, name=None, position=0):
        return Category.objects.create(
            slug=slug, name=name or slug.replace("-", " ").title(), kind=kind, access=access, position=position
        )

    return make


@pytest.fixture
def discussion(make_category):
    return make_category("general", name="General", position=1)


@pytest.fixture
def questions(make_category):
    from forum.models import Category

    return make_category("help", name="Help", kind=Category.Kind.QUESTIONS, position=2)


@pytest.fixture
def staff_category(make_category):
    from forum.models import Category

    return make_category("staff-room", name="Staff room", access=Category.Access.STAFF, position=3)


@pytest.fixture
def staff_questions(make_category):
    from forum.models import Category

    return make_category(
        "staff-questions", name="Staff questions", kind=Category.Kind.QUESTIONS, access=Category.Access.STAFF
    )


@pytest.fixture
def make_thread(db):
    """start_thread, then post_reply for each (author, body) in `replies`."""
    from forum import services

    counter = itertools.count(1)

    def make(*, category, author, title=None, body="What do you think?", tags=(), replies=()):
        thread = services.start_thread(
            category=category,
            author=author,
            title=title or f"A thread worth reading number {next(counter)}",
            body=body,
            tags=tags,
        )
        for reply_author, reply_body in replies:
            services.post_reply(thread=thread, author=reply_author, body=reply_body)
        thread.refresh_from_db()
        return thread

    return make
