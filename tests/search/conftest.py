"""Search fixtures: a clean index and queue for every test, categories, a thread factory, and helpers.

The Whoosh index lives in one temporary folder for the whole run
(tests/conftest.py), so each test here starts by emptying it and the
IndexTask queue. Content is made through forum services, as the site makes
it; on_commit callbacks do not run in these tests, so `index_now()` applies
the queued updates, as the post-commit hook or search_worker would.
"""

import pytest
from haystack import connections

from search.models import IndexTask
from search.queue import apply_all


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
def search_page(client):
    """GET /search/ with these parameters; returns the parsed page (tests/search/pages.py)."""
    from tests.search.pages import SearchPage

    def get(as_client=None, *, status=200, **params):
        response = (as_client or client).get("/search/", params)
        assert response.status_code == status, response.content.decode()[:2000]
        return SearchPage(response.content.decode())

    return get
