"""Search fixtures: the backend, a clean index and queue for every test, and helpers.

Every test here runs on Whoosh and, when the database is PostgreSQL, again on
PostgreSQL's full-text search (search/postgres.py). The Whoosh index lives in one
temporary folder for the whole run (tests/conftest.py), so each test here starts
by emptying the index and the IndexTask queue. Content is made through forum
services, as the site makes it; on_commit callbacks do not run in these tests, so
`index_now()` applies the queued updates, as the post-commit hook or search_worker would.
"""

import threading

import pytest
from django.conf import settings
from django.db import connection
from haystack import connections

from search.models import IndexTask
from search.queue import apply_all

# Every search test runs on each backend the database allows: Whoosh always, PostgreSQL's
# full-text search when the database is PostgreSQL. A test of Whoosh's own machinery
# (its files, its lock, its searcher) is marked whoosh_only, one of PostgreSQL's postgres.
ENGINES = ["whoosh", "postgres"] if connection.vendor == "postgresql" else ["whoosh"]


def pytest_generate_tests(metafunc):
    if "search_engine" in metafunc.fixturenames:
        marked = metafunc.definition.get_closest_marker
        # A test of one backend: a postgres one runs (or skips, tests/conftest.py) on PostgreSQL only.
        engines = ["whoosh"] if marked("whoosh_only") else ["postgres"] if marked("postgres") else ENGINES
        metafunc.parametrize("search_engine", engines, indirect=True)


@pytest.fixture(autouse=True)
def search_engine(request):
    """The search backend this test runs on (settings.SEARCH_ENGINES), for every thread."""
    engine = request.param
    connection_settings = connections.connections_info["default"]
    previous = connection_settings["ENGINE"]
    connection_settings["ENGINE"] = settings.SEARCH_ENGINES[engine]
    connections.thread_local = threading.local()  # every thread's backend is made again
    yield engine
    connection_settings["ENGINE"] = previous
    connections.thread_local = threading.local()


@pytest.fixture(autouse=True)
def clean_index(db, search_engine):
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
def search_page(client):
    """GET /search/ with these parameters; returns the parsed page (tests/search/pages.py)."""
    from tests.search.pages import SearchPage

    def get(as_client=None, *, status=200, **params):
        response = (as_client or client).get("/search/", params)
        assert response.status_code == status, response.content.decode()[:2000]
        return SearchPage(response.content.decode())

    return get
