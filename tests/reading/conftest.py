import pytest

from reading.tracker import tracker


@pytest.fixture(autouse=True)
def _reports_written_at_once(settings):
    """Each report is written in its own request, unless a test widens the interval."""
    settings.READING_FLUSH_SECONDS = 0
    tracker.reset()
    yield
    tracker.reset()


@pytest.fixture
def report():
    """A page's report of the last post read, as static/js/reading.js sends it."""

    def send(client, post, *, thread=None):
        return client.post("/reading/seen/", {"thread": thread or post.thread_id, "post": post.pk})

    return send
