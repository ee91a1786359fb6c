"""What the PostgreSQL backend adds to the suite that runs on both: its rebuild is one transaction."""

import pytest
from haystack import connections
from haystack.query import SearchQuerySet

from search.queue import all_documents
from tests.conftest import all_at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]  # real commits, read from another connection


def found(word: str) -> set[int]:
    return {int(hit.thread_id) for hit in SearchQuerySet().filter(content=word)}


def test_searches_read_the_old_index_until_a_rebuild_commits(make_thread, discussion, member, index_now):
    kept, dropped = (
        make_thread(category=discussion, author=member, title=f"Heat pump hums at night, unit {n}") for n in (1, 2)
    )
    index_now()
    seen_meanwhile = []

    def progress(count):
        if count == 1:  # one row written, every old one deleted, nothing committed yet
            assert not all_at_once([lambda: seen_meanwhile.append(found("pump"))])

    connections["default"].get_backend().rebuild(
        (document for document in all_documents() if document["thread_id"] == kept.pk), progress=progress
    )

    assert seen_meanwhile == [{kept.pk, dropped.pk}]
    assert found("pump") == {kept.pk}
