"""Search never loses an update: every change queues an IndexTask in its own transaction, applied after commit.

If the Whoosh index is locked by another writer when the content commits,
the post is saved all the same, the task stays queued, and search_worker
applies it once the lock is released.
"""

import logging
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from haystack import connections

from forum import services
from moderation import actions
from search.models import IndexTask
from search.queue import apply_pending

Kind = IndexTask.Kind


def queued() -> set[tuple[str, int]]:
    return set(IndexTask.objects.values_list("kind", "object_id"))


@pytest.fixture
def thread(make_thread, questions, member, other_member, index_now):
    made = make_thread(
        category=questions,
        author=member,
        title="Garage door sensor offline",
        body="The garage door sensor shows offline every morning.",
        tags=["sensors"],
        replies=[(other_member, "Replace the sensor battery with a fresh lithium one.")],
    )
    index_now()
    return made


@pytest.fixture
def reply(thread):
    return thread.posts.get(is_opening=False)


@pytest.fixture
def opening(thread):
    return thread.posts.get(is_opening=True)


# What each service queues ---------------------------------------------------


def test_starting_a_thread_queues_its_opening_post(make_thread, discussion, member):
    made = make_thread(category=discussion, author=member, title="Porch light schedule", body="When does it turn on?")

    assert queued() == {(Kind.POST, made.posts.get().pk)}


def test_a_reply_queues_itself(thread, other_member):
    post = services.post_reply(thread=thread, author=other_member, body="Also check the hub's range.")

    assert queued() == {(Kind.POST, post.pk)}


def test_the_first_official_reply_queues_the_whole_thread(thread, staff_member):
    """Every post of the thread carries the "official response" flag."""
    services.post_reply(thread=thread, author=staff_member, body="A fix ships on Monday.")
    assert queued() == {(Kind.THREAD, thread.pk)}

    IndexTask.objects.all().delete()
    second = services.post_reply(thread=thread, author=staff_member, body="It shipped.")
    assert queued() == {(Kind.POST, second.pk)}


def test_editing_a_replys_text_queues_the_reply(reply, other_member):
    services.edit_post(post=reply, editor=other_member, body="Replace the battery, then re-pair the sensor.")

    assert queued() == {(Kind.POST, reply.pk)}


def test_editing_a_threads_title_queues_the_whole_thread(opening, member, thread):
    services.edit_post(post=opening, editor=member, body=opening.body, title="Garage door sensor drops at dawn")

    assert queued() == {(Kind.THREAD, thread.pk)}


def test_editing_a_threads_tags_queues_the_whole_thread(opening, member, thread):
    """Every post carries its thread's tags."""
    services.edit_post(post=opening, editor=member, body=opening.body, tags=["sensors", "garage"])

    assert queued() == {(Kind.THREAD, thread.pk)}


def test_a_threads_new_tags_reach_its_replies(search_page, opening, member, thread, index_now):
    services.edit_post(post=opening, editor=member, body=opening.body, tags=["garage"])
    index_now()

    assert search_page(q="lithium", tag="garage").titles == [thread.title]
    assert search_page(q="lithium", tag="sensors").titles == []


def test_votes_queue_the_post(reply, make_member):
    voter = make_member("voter")

    services.cast_vote(post=reply, voter=voter)
    assert queued() == {(Kind.POST, reply.pk)}

    IndexTask.objects.all().delete()
    services.retract_vote(post=reply, voter=voter)
    assert queued() == {(Kind.POST, reply.pk)}


def test_accepting_and_clearing_an_answer_queue_the_whole_thread(reply, member, thread):
    services.accept_answer(post=reply, by=member)
    assert queued() == {(Kind.THREAD, thread.pk)}

    IndexTask.objects.all().delete()
    services.clear_answer(thread=thread, by=member)
    assert queued() == {(Kind.THREAD, thread.pk)}


@pytest.mark.parametrize(
    ("action", "admin_needed"),
    [(actions.hide_post, False), (actions.delete_post, False), (actions.restore_post, True)],
    ids=["hide", "delete", "restore"],
)
def test_moderating_a_reply_queues_the_reply(reply, moderator, admin_member, action, admin_needed):
    if action is actions.restore_post:
        actions.delete_post(post=reply, by=moderator)
        IndexTask.objects.all().delete()
    action(post=reply, by=admin_member if admin_needed else moderator)

    assert queued() == {(Kind.POST, reply.pk)}


def test_hiding_an_opening_post_queues_the_whole_thread(opening, moderator, thread):
    actions.hide_post(post=opening, by=moderator)

    assert queued() == {(Kind.THREAD, thread.pk)}


def test_moving_a_thread_queues_the_whole_thread(thread, moderator, make_category):
    actions.move_thread(thread=thread, by=moderator, category=make_category("elsewhere"))

    assert queued() == {(Kind.THREAD, thread.pk)}


def test_a_rolled_back_transaction_leaves_no_task(thread, other_member, moderator, reply):
    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():
        services.post_reply(thread=thread, author=other_member, body="Never mind.")
        actions.hide_post(post=reply, by=moderator)
        services.edit_post(post=thread.posts.get(is_opening=True), editor=moderator, body="Edited", title="Renamed")
        assert len(queued()) == 3
        raise Abandon

    assert queued() == set()


# What applying does ------------------------------------------------------------


def test_applying_the_queue_brings_every_change_into_the_index(
    search_page, thread, opening, reply, member, other_member, staff_member, moderator, make_category, index_now
):
    services.edit_post(post=opening, editor=member, body=opening.body, title="Garage sensor asleep", tags=["garage"])
    services.edit_post(post=reply, editor=other_member, body="Swap in a lithium cell and re-pair it.")
    services.accept_answer(post=reply, by=member)
    services.post_reply(thread=thread, author=staff_member, body="Firmware 2.1 keeps the sensor awake.")
    elsewhere = make_category("garage-and-garden")
    actions.move_thread(thread=thread, by=moderator, category=elsewhere)
    index_now()

    assert search_page(q="asleep").titles == ["Garage sensor asleep"]
    assert search_page(q="battery").titles == []
    found = search_page(q="lithium", tag="garage", category="garage-and-garden", solved="yes", official="yes")
    assert found.titles == ["Garage sensor asleep"]
    assert search_page(q="lithium", category="help").titles == []
    assert search_page(q="lithium", tag="sensors").titles == []
    call_command("search_check")


def test_updates_are_applied_after_commit(
    search_page, thread, other_member, django_capture_on_commit_callbacks, settings
):
    settings.SEARCH_INLINE_UPDATES = True
    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(thread=thread, author=other_member, body="Mine needed a firmware reflash.")

    assert queued() == set()
    assert search_page(q="reflash").titles == [thread.title]


@pytest.mark.django_db(transaction=True)
def test_a_real_commit_applies_the_update(search_page, make_thread, discussion, member, settings):
    """No test transaction around it: the service commits, and its on_commit hook writes the index."""
    settings.SEARCH_INLINE_UPDATES = True
    thread = make_thread(category=discussion, author=member, title="Doorbell chime too quiet", body="Any fix?")

    assert queued() == set()
    assert search_page(q="chime").titles == [thread.title]


def test_with_inline_updates_off_the_worker_applies_them(
    search_page, thread, other_member, django_capture_on_commit_callbacks, settings, capsys
):
    settings.SEARCH_INLINE_UPDATES = False
    with django_capture_on_commit_callbacks(execute=True):
        post = services.post_reply(thread=thread, author=other_member, body="Mine needed a firmware reflash.")

    assert queued() == {(Kind.POST, post.pk)}
    assert search_page(q="reflash").results == []

    call_command("search_worker", "--once")

    assert "Applied 1 index update(s)." in capsys.readouterr().out
    assert queued() == set()
    assert search_page(q="reflash").titles == [thread.title]


def test_a_task_for_something_since_deleted_removes_it_from_the_index(thread, reply, index_now, search_page):
    """A thread deleted outright (the admin) leaves tasks for posts that no longer exist."""
    IndexTask.objects.create(kind=Kind.POST, object_id=reply.pk)
    reply.delete()

    assert apply_pending() == 1
    assert search_page(q="lithium").results == []
    call_command("search_check")


def test_a_change_queued_while_the_queue_is_applied_is_not_lost(
    search_page, thread, reply, other_member, monkeypatch, index_now
):
    """The worker reads a task and writes the post; the post changes again before the worker deletes the task."""
    IndexTask.objects.create(kind=Kind.POST, object_id=reply.pk)  # an earlier change, waiting
    backend = connections["default"].get_backend()
    write = backend.write

    def write_then_someone_edits(documents, removed, **kwargs):
        write(documents, removed, **kwargs)
        services.edit_post(post=reply, editor=other_member, body="A zigbee repeater fixed it.")

    monkeypatch.setattr(backend, "write", write_then_someone_edits)
    apply_pending()
    monkeypatch.undo()

    assert queued() == {(Kind.POST, reply.pk)}, "the edit's task survives"
    index_now()
    assert search_page(q="zigbee").titles == [thread.title]


# Another process holds the index ----------------------------------------------------

HOLD_THE_LOCK = """
import sys
from whoosh import index
writer = index.open_dir(sys.argv[1]).writer()
print("locked", flush=True)
sys.stdin.readline()
writer.cancel()
print("released", flush=True)
"""


class LockHolder:
    """Another process with a Whoosh writer open on the test's index folder, until release()."""

    def __init__(self, path):
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLD_THE_LOCK, path],
            cwd=settings.BASE_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline().strip()
        if line != "locked":
            self.process.kill()
            pytest.fail(f"the lock holder did not start: {line!r} {self.process.stderr.read()}")

    def release(self):
        if self.process.poll() is None:
            self.process.stdin.write("\n")
            self.process.stdin.flush()
            assert self.process.stdout.readline().strip() == "released"
            self.process.wait(timeout=10)


@pytest.fixture
def lock_holder(thread):
    holder = LockHolder(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])
    yield holder
    if holder.process.poll() is None:
        holder.process.kill()
        holder.process.wait()


@pytest.mark.whoosh_only
def test_a_reply_made_while_another_process_holds_the_index_is_saved_and_applied_later(
    search_page, thread, other_member, lock_holder, django_capture_on_commit_callbacks, settings, caplog, capsys
):
    settings.SEARCH_INLINE_UPDATES = True
    with (
        caplog.at_level(logging.WARNING, logger="search.queue"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        post = services.post_reply(thread=thread, author=other_member, body="A zigbee repeater fixed mine.")

    assert callbacks, "the post-commit index update ran"
    assert thread.posts.filter(pk=post.pk, body="A zigbee repeater fixed mine.").exists()
    assert queued() == {(Kind.POST, post.pk)}
    assert "deferred" in caplog.text
    assert search_page(q="zigbee").results == []

    # The worker cannot write either while the lock is held; it keeps the task.
    call_command("search_worker", "--once")
    assert "locked by another writer" in capsys.readouterr().err
    assert queued() == {(Kind.POST, post.pk)}

    lock_holder.release()
    call_command("search_worker", "--once")

    assert "Applied 1 index update(s)." in capsys.readouterr().out
    assert queued() == set()
    assert search_page(q="zigbee").titles == [thread.title]
    call_command("search_check")


@pytest.mark.whoosh_only
def test_the_next_commit_applies_what_an_earlier_one_could_not(
    search_page, thread, other_member, member, lock_holder, django_capture_on_commit_callbacks, settings
):
    settings.SEARCH_INLINE_UPDATES = True
    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(thread=thread, author=other_member, body="A zigbee repeater fixed mine.")
    assert len(queued()) == 1

    lock_holder.release()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(thread=thread, author=member, body="Thanks, ordering a repeater.")

    assert queued() == set()
    assert search_page(q="zigbee").titles == [thread.title]
    assert search_page(q="ordering").titles == [thread.title]
