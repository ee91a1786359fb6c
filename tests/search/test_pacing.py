"""A burst of replies shares one index write (search/queue.py, SEARCH_INLINE_INTERVAL_MS).

The first commit writes the index at once; commits that follow within the interval leave
their updates to one timed write in this process, which carries all of them. Nothing is lost
and nothing waits on the timer: every reply is saved and queued before its request ends.
"""

import time

import pytest
from haystack import connections

from forum import services
from search import queue
from search.models import IndexTask

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: the hooks run, the timer reads them

# Wide enough that three replies fit in it on a machine busy with other work (CI runs two suites at once).
INTERVAL_MS = 800


@pytest.fixture
def writes(monkeypatch, settings):
    """The index writes made, as lists of the documents each carried; the interval on."""
    settings.SEARCH_INLINE_UPDATES = True
    settings.SEARCH_INLINE_INTERVAL_MS = INTERVAL_MS
    backend = type(connections["default"].get_backend())
    made, write = [], backend.write

    def counted(self, documents, removed, **kwargs):
        made.append(sorted(document["django_id"] for document in documents))
        return write(self, documents, removed, **kwargs)

    monkeypatch.setattr(backend, "write", counted)
    yield made
    settled()


def settled(timeout: float = 10):
    """Wait until no timed write is waiting or running in this process."""
    deadline = time.monotonic() + timeout
    while queue._Pace.timer is not None or queue._Pace.writing.locked():
        assert time.monotonic() < deadline, "the timed write never ran"
        time.sleep(0.02)


@pytest.fixture
def thread(make_thread, discussion, member):
    return make_thread(category=discussion, author=member, title="Hallway lamp flickers at night")


def test_replies_within_the_interval_share_one_timed_write(thread, other_member, make_member, writes, search_page):
    authors = [make_member() for _ in range(3)]  # before the interval starts: each hashes a password
    settled()
    writes.clear()
    time.sleep(INTERVAL_MS / 1000)  # the thread's own write is over and its interval past

    first = services.post_reply(thread=thread, author=other_member, body="Mine flickered until a firmware update.")
    assert writes == [[str(first.pk)]], "the first commit writes at once"

    later = [
        services.post_reply(thread=thread, author=author, body=f"Same here, lamp number {n}.")
        for n, author in enumerate(authors)
    ]
    assert len(writes) == 1, "within the interval, commits leave their update to the timed write"
    assert set(IndexTask.objects.values_list("object_id", flat=True)) == {post.pk for post in later}

    settled()

    assert writes[1:] == [sorted(str(post.pk) for post in later)]
    assert not IndexTask.objects.exists()
    assert search_page(q="firmware").titles == [thread.title]


def test_a_commit_after_the_interval_writes_at_once_again(thread, other_member, writes):
    settled()
    time.sleep(INTERVAL_MS / 1000)
    writes.clear()

    services.post_reply(thread=thread, author=other_member, body="First.")
    time.sleep(INTERVAL_MS / 1000 + 0.1)
    services.post_reply(thread=thread, author=other_member, body="Second, well after.")

    assert len(writes) == 2
    assert queue._Pace.timer is None
