"""A server's inline index updates are written by a helper process (search/writer.py), away from
the interpreter lock its requests share; a helper that fails, stops answering or ends loses nothing:
the reply is saved, its update stays queued, and the next write (with a new helper) applies it.
"""

import logging
import os
import signal
import threading
from multiprocessing import Pipe

import pytest

from forum import services
from forum.models import Post
from search import writer
from search.models import IndexTask

pytestmark = pytest.mark.whoosh_only  # the helper writes the Whoosh index

Kind = IndexTask.Kind


def queued() -> set[tuple[str, int]]:
    return set(IndexTask.objects.values_list("kind", "object_id"))


@pytest.fixture
def thread(make_thread, discussion, member, index_now):
    made = make_thread(category=discussion, author=member, title="Hallway lamp flickers at night")
    index_now()
    return made


@pytest.fixture
def inline(settings, django_capture_on_commit_callbacks):
    """Replies whose after-commit work runs, with the inline updates on, as a server's do."""
    settings.SEARCH_INLINE_UPDATES = True

    def reply(thread, author, body) -> Post:
        with django_capture_on_commit_callbacks(execute=True):
            return services.post_reply(thread=thread, author=author, body=body)

    return reply


def test_a_servers_inline_update_is_written_by_a_helper_process(thread, other_member, inline, search_page):
    inline(thread, other_member, "A zigbee repeater fixed mine.")

    assert queued() == set()
    assert search_page(q="zigbee").titles == [thread.title]
    helper = writer._Helper.process
    assert helper is not None and helper.poll() is None and helper.pid != os.getpid()


def test_a_helper_that_stops_answering_is_replaced_and_the_queue_catches_up(
    thread, member, other_member, inline, search_page, monkeypatch, caplog
):
    inline(thread, member, "Does anyone else see it?")  # the helper is running
    stuck = writer._Helper.process
    os.kill(stuck.pid, signal.SIGSTOP)
    monkeypatch.setattr(writer, "ANSWER_SECONDS", 0.5)

    with caplog.at_level(logging.WARNING, logger="search.queue"):
        post = inline(thread, other_member, "A zigbee repeater fixed mine.")

    assert Post.objects.filter(pk=post.pk, body="A zigbee repeater fixed mine.").exists()
    assert queued() == {(Kind.POST, post.pk)}
    assert "deferred" in caplog.text
    assert stuck.poll() is not None, "the stuck helper is gone"

    inline(thread, member, "Thanks, ordering a repeater.")

    assert queued() == set()
    assert search_page(q="zigbee").titles == [thread.title]
    assert search_page(q="ordering").titles == [thread.title]
    assert writer._Helper.process.pid != stuck.pid


def test_a_helper_that_ended_is_started_again(thread, other_member, inline, search_page):
    inline(thread, other_member, "Does anyone else see it?")
    ended = writer._Helper.process
    ended.kill()
    ended.wait()

    inline(thread, other_member, "A zigbee repeater fixed mine.")

    assert queued() == set()
    assert search_page(q="zigbee").titles == [thread.title]
    assert writer._Helper.process.pid != ended.pid


def test_a_write_that_fails_in_the_helper_raises_here_and_the_helper_writes_on(thread, search_page, settings):
    path = settings.HAYSTACK_CONNECTIONS["default"]["PATH"]
    document = {"id": "forum.post.999999", "django_ct": "forum.post", "django_id": "999999", "text": "zigbee"}

    with pytest.raises(writer.HelperFailed, match="UnknownFieldError"):
        writer.write_aside(path, "MAIN", [{**document, "no_such_field": "x"}], [], key="id")

    writer.write_aside(path, "MAIN", [document], [], key="id")
    writer.write_aside(path, "MAIN", [], ["forum.post.999999"], key="id")


def test_the_helper_leaves_when_its_server_closes_the_pipe(thread, other_member, inline):
    inline(thread, other_member, "Does anyone else see it?")
    helper = writer._Helper.process

    writer._Helper.requests.close()

    assert helper.wait(timeout=10) == 0
    writer._stop()


def test_the_helpers_loop_ends_when_the_request_pipe_closes():
    requests, to_helper = Pipe(duplex=False)
    from_helper, answers = Pipe(duplex=False)
    loop = threading.Thread(target=writer.serve, args=(requests, answers))
    loop.start()

    to_helper.close()
    loop.join(timeout=10)

    assert not loop.is_alive()
    assert not from_helper.poll()
