"""Search fixtures: a clean index and queue for every test, categories, a thread factory, and helpers.

The Whoosh index lives in one temporary folder for the whole run
(tests/conftest.py), so each test here starts by emptying it and the
IndexTask queue. Content is made through forum services, as the site makes
it; on_commit callbacks do not run in these tests, so `index_now()` applies
the queued updates, as the post-commit hook or search_worker would.
"""

import pytest
from haystack import connections

from forum import services
from forum.models import Category
from search.models import IndexTask
from search.queue import apply_all


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Members are made by the dozen here; hashing is not what these tests check."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def clean_index(db):
    """An empty index and an empty queue: the index folder is shared by the whole run."""
    IndexTask.objects.all().delete()
    connections["default"].get_backend().rebuild([])
    yield


@pytest.fixture
def index_now():
    """Apply every queued index update (what happens after commit, or in search_worker)."""

    def apply() -> int:
        applied = apply_all()
        assert not IndexTask.objects.exists(), "the queue should be empty once applied"
        return applied

    return apply


@pytest.fixture
def make_category(db):
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
    return make_category("help", name="Help", kind=Category.Kind.QUESTIONS, position=2)


@pytest.fixture
def staff_category(make_category):
    return make_category("staff-room", name="Staff room", access=Category.Access.STAFF, position=3)


@pytest.fixture
def make_thread(db):
    """start_thread, then post_reply for each (author, body) in `replies`; nothing is indexed yet."""

    def make(*, category, author, title, body="What do you think?", tags=(), replies=()):
        thread = services.start_thread(category=category, author=author, title=title, body=body, tags=tags)
        for reply_author, reply_body in replies:
            services.post_reply(thread=thread, author=reply_author, body=reply_body)
        thread.refresh_from_db()
        return thread

    return make


@pytest.fixture
def search_page(client):
    """GET /search/ with these parameters; returns the parsed page (tests/search/pages.py)."""
    from tests.search.pages import SearchPage

    def get(as_client=None, *, status=200, **params):
        response = (as_client or client).get("/search/", params)
        assert response.status_code == status, response.content.decode()[:2000]
        return SearchPage(response.content.decode())

    return get
