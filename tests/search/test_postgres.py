"""What the PostgreSQL backend adds to the suite that runs on both: several writers at once,
and a rebuild in one transaction."""

import pytest
from haystack import connections
from haystack.query import SearchQuerySet

from search.models import IndexTask
from search.queue import all_documents, apply_pending, indexable_count
from tests.conftest import all_at_once
from tests.search.test_index_documents import stored_documents

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


def test_two_processes_applying_the_same_queue_at_once_both_succeed(
    make_thread, discussion, member, other_member, settings
):
    """Without Whoosh's single writer, every process may apply the queue: rows take their own locks."""
    settings.SEARCH_INLINE_UPDATES = False  # queued only, as with search_worker
    threads = [
        make_thread(category=discussion, author=member, title=f"Boiler {n} restarts", replies=[(other_member, "Same.")])
        for n in range(20)
    ]
    assert IndexTask.objects.count() == 40

    assert all_at_once([apply_pending, apply_pending]) == []

    assert found("boiler") == {thread.pk for thread in threads}
    assert len(stored_documents()) == indexable_count() == 40
