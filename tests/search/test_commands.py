"""rebuild_index, search_check and search_worker, and the searcher each process keeps between queries."""

import os
import re
from io import StringIO

import pytest
from django.core.management import call_command
from haystack import connections

from forum import services
from forum.models import Post
from moderation import actions
from search.models import IndexTask
from search.queue import all_documents


def check() -> tuple[int, str]:
    """Run search_check; (exit status, what it printed)."""
    out = StringIO()
    try:
        call_command("search_check", stdout=out)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def forum(make_thread, discussion, questions, member, other_member, make_member):
    """Twelve threads with a reply each: 24 posts."""
    threads = [
        make_thread(
            category=questions if n % 2 else discussion,
            author=member,
            title=f"Sprinkler zone {n} skips its turn",
            body=f"Zone {n} of the garden sprinkler never starts.",
            replies=[(other_member, f"Zone {n} needs a new valve.")],
        )
        for n in range(12)
    ]
    services.cast_vote(post=threads[0].posts.get(is_opening=True), voter=make_member("fan"))
    return threads


# search_check -------------------------------------------------------------------------


def test_search_check_passes_when_the_index_matches(forum, index_now):
    index_now()

    status, output = check()

    assert status == 0
    assert "The index matches the database (24 posts)." in output


def test_search_check_lists_posts_missing_from_the_index(forum):
    """Nothing applied: the queue holds every post, the index none."""
    status, output = check()

    assert status == 1
    ids = sorted(Post.objects.values_list("pk", flat=True))
    assert "24 post(s) missing from the index" in output
    assert ", ".join(map(str, ids[:20])) + " …" in output


def test_search_check_lists_a_post_hidden_but_still_in_the_index(forum, index_now, moderator):
    index_now()
    reply = forum[3].posts.get(is_opening=False)
    actions.hide_post(post=reply, by=moderator)

    status, output = check()

    assert status == 1
    assert f"1 post(s) in the index but not visible: {reply.pk}" in output


def test_search_check_lists_a_post_whose_score_changed(forum, index_now, make_member):
    index_now()
    reply = forum[5].posts.get(is_opening=False)
    services.cast_vote(post=reply, voter=make_member("late-voter"))

    status, output = check()

    assert status == 1
    assert f"1 post(s) out of date in the index: {reply.pk}" in output


# rebuild_index -------------------------------------------------------------------------


def test_rebuild_index_shows_progress_and_produces_an_index_search_check_accepts(forum, search_page):
    out = StringIO()
    call_command("rebuild_index", "--noinput", stdout=out)
    output = out.getvalue()

    progress = [line for line in output.splitlines() if re.fullmatch(r"Indexed [\d,]+ / [\d,]+ posts", line)]
    assert progress[0] != progress[-1], "several progress lines"
    assert progress[-1] == "Indexed 24 / 24 posts"
    assert "Indexed 24 posts in" in output
    assert "posts/s" in output
    assert IndexTask.objects.count() == 0, "the queue's older tasks are in the rebuilt index"
    assert check()[0] == 0
    assert len(search_page(q="sprinkler").results) == 12


def test_rebuild_index_keeps_changes_queued_after_it_started(forum, moderator, monkeypatch):
    """A change committed while the rebuild reads the database is applied after the swap, not dropped.

    The post already had a task waiting (nothing was applied): the new change renews it.
    """
    late = forum[7].posts.get(is_opening=False)
    real_documents = all_documents

    def documents_then_a_change():
        yield from real_documents()
        actions.hide_post(post=late, by=moderator)  # committed during the rebuild

    monkeypatch.setattr("search.management.commands.rebuild_index.all_documents", documents_then_a_change)
    call_command("rebuild_index", stdout=StringIO())

    assert IndexTask.objects.count() == 0
    assert check() == (0, "The index matches the database (23 posts).\n")


def test_haystacks_update_index_and_clear_index_work_on_either_backend(forum, search_page):
    call_command("update_index", stdout=StringIO(), verbosity=0)

    assert check()[0] == 0
    assert len(search_page(q="sprinkler").results) == 12

    call_command("clear_index", "--noinput", stdout=StringIO(), verbosity=0)

    assert len(search_page(q="sprinkler").results) == 0


def test_update_index_with_remove_drops_what_left_the_database(forum, index_now, search_page):
    index_now()
    gone = forum[2]
    Post.objects.filter(thread=gone).delete()  # past the services: nothing queued

    call_command("update_index", "--remove", stdout=StringIO(), verbosity=0)

    assert check()[0] == 0
    assert len(search_page(q="sprinkler").results) == 11


def test_rebuild_of_an_empty_forum(db):
    out = StringIO()
    call_command("rebuild_index", stdout=out)

    assert "Indexed 0 posts" in out.getvalue()
    assert check()[0] == 0


# The shared searcher --------------------------------------------------------------------


@pytest.fixture
def folder_keeps_its_inode(monkeypatch):
    """The index folder reports the same inode after every swap, as ext4 often hands out a freed one again."""
    backend = connections["default"].get_backend()
    real_stat = os.stat

    def stat(path, *args, **kwargs):
        result = real_stat(path, *args, **kwargs)
        if isinstance(path, str) and os.path.abspath(path) == os.path.abspath(backend.path):
            return os.stat_result((result.st_mode, 4242, *tuple(result)[2:]))
        return result

    monkeypatch.setattr(os, "stat", stat)
    return backend


@pytest.mark.whoosh_only
def test_a_search_sees_a_rebuild_even_when_the_new_folder_has_the_old_ones_inode(
    forum, search_page, folder_keeps_its_inode
):
    """Every rebuilt index starts again at generation 1: the searcher a process keeps must still be replaced."""
    backend = folder_keeps_its_inode
    halves = [{t.pk for t in forum[:6]}, {t.pk for t in forum[6:]}]
    for half in halves:
        backend.rebuild(doc for doc in all_documents() if doc["thread_id"] in half)

        assert {t.pk for t in forum if t.title in search_page(q="sprinkler").titles} == half


def test_a_search_after_silent_rebuilds_sees_the_last_one(forum, search_page):
    backend = connections["default"].get_backend()
    for _ in range(3):
        backend.rebuild(all_documents())
        assert len(search_page(q="sprinkler").results) == 12  # the process now holds a searcher

        backend.rebuild([])
        backend.rebuild([])

        assert search_page(q="sprinkler").results == []
