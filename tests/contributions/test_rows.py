"""The contribution rows follow every event, as the posts would count them (tests/contributions/truth.py).

Each test writes through the services (as the site does) and then compares what a profile reads
from the rows with the old scanning queries, for a visitor and for staff, and the rows the events
wrote with the rows the rebuild recomputes.
"""

import io
import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from contributions import selectors
from contributions.models import CategoryTotals, DailyPosts, TagTotals
from forum import permissions, services
from forum.models import Category, Post, Thread, Vote
from moderation import actions as moderation
from tests.contributions.truth import assert_rows_match_posts, stored_rows


@pytest.fixture
def cast(member, other_member, staff_member, moderator, admin_member, make_member):
    """alice asks, bruno and carla answer, dora and eve vote; sophie is brand staff, marc moderates."""
    return {
        "alice": member,
        "bruno": other_member,
        "carla": make_member("carla"),
        "dora": make_member("dora"),
        "eve": make_member("eve"),
        "sophie": staff_member,
        "marc": moderator,
        "root": admin_member,
    }


@pytest.fixture
def viewers(cast):
    return [AnonymousUser(), cast["sophie"]]


@pytest.fixture
def check(cast, viewers):
    """Compare the rows of the members who write with the truth, as a visitor and as staff."""
    return lambda: assert_rows_match_posts([cast[name] for name in WRITERS], viewers)


@pytest.fixture
def question(cast, questions):
    """alice's question (tagged) with a reply from bruno and one from carla."""
    thread = services.start_thread(
        category=questions, author=cast["alice"], title="Lamp drops off the Wi-Fi", body="Every night.", tags=["wifi"]
    )
    services.post_reply(thread=thread, author=cast["bruno"], body="Turn off band steering.")
    services.post_reply(thread=thread, author=cast["carla"], body="Move the bridge.")
    return thread


def reply_by(thread, username) -> Post:
    return Post.objects.get(thread=thread, author__username=username, is_opening=False)


def opening(thread) -> Post:
    return Post.objects.get(thread=thread, is_opening=True)


def test_threads_and_replies_count_for_their_authors(cast, question, discussion, check):
    services.start_thread(category=discussion, author=cast["bruno"], title="Show your setup", body="Six lamps.")

    check()
    assert selectors.counts(cast["bruno"], AnonymousUser())["threads"] == 1
    assert selectors.counts(cast["bruno"], AnonymousUser())["replies"] == 1


def test_votes_cast_and_retracted(cast, question, check):
    answer = reply_by(question, "bruno")
    services.cast_vote(post=answer, voter=cast["dora"])
    services.cast_vote(post=answer, voter=cast["eve"])
    services.cast_vote(post=opening(question), voter=cast["bruno"])
    check()
    assert selectors.counts(cast["bruno"], AnonymousUser())["votes"] == 2

    services.retract_vote(post=answer, voter=cast["dora"])
    check()
    assert selectors.top_tags(cast["bruno"], AnonymousUser(), limit=8)[0]["score"] == 1


def test_accepting_replacing_and_clearing_an_answer(cast, question, check):
    services.accept_answer(post=reply_by(question, "bruno"), by=cast["alice"])
    check()
    assert selectors.counts(cast["bruno"], AnonymousUser())["accepted"] == 1

    services.accept_answer(post=reply_by(question, "carla"), by=cast["alice"])
    check()
    assert selectors.counts(cast["bruno"], AnonymousUser())["accepted"] == 0

    services.clear_answer(thread=question, by=cast["alice"])
    check()
    assert selectors.counts(cast["carla"], AnonymousUser())["accepted"] == 0


def test_endorsing_and_withdrawing(cast, question, check):
    services.endorse_reply(post=reply_by(question, "bruno"), by=cast["sophie"])
    check()
    assert selectors.counts(cast["bruno"], AnonymousUser())["endorsed"] == 1

    services.withdraw_endorsement(post=reply_by(question, "bruno"), by=cast["sophie"])
    check()


def test_hiding_deleting_and_restoring_a_voted_accepted_endorsed_reply(cast, question, check):
    answer = reply_by(question, "bruno")
    services.cast_vote(post=answer, voter=cast["dora"])
    services.accept_answer(post=answer, by=cast["alice"])
    services.endorse_reply(post=answer, by=cast["sophie"])

    moderation.hide_post(post=answer, by=cast["marc"], reason="Checking")
    check()
    assert selectors.counts(cast["bruno"], cast["sophie"]) == dict.fromkeys(selectors.COUNTED, 0)

    moderation.delete_post(post=answer, by=cast["marc"])  # hidden -> deleted: still not counted
    check()
    moderation.restore_post(post=answer, by=cast["root"])
    check()
    assert selectors.counts(cast["bruno"], cast["sophie"])["accepted"] == 1


def test_hiding_and_restoring_a_thread_takes_every_post_along(cast, question, check):
    services.cast_vote(post=reply_by(question, "carla"), voter=cast["dora"])
    services.accept_answer(post=reply_by(question, "carla"), by=cast["alice"])
    moderation.hide_post(post=reply_by(question, "bruno"), by=cast["marc"])  # hidden before the thread

    moderation.hide_post(post=opening(question), by=cast["marc"])
    check()
    assert selectors.counts(cast["carla"], cast["sophie"])["replies"] == 0

    moderation.restore_post(post=opening(question), by=cast["marc"])
    check()
    assert selectors.counts(cast["bruno"], cast["sophie"])["replies"] == 0  # still hidden on its own
    assert selectors.counts(cast["carla"], cast["sophie"])["replies"] == 1

    moderation.delete_post(post=opening(question), by=cast["marc"])
    check()
    moderation.restore_post(post=opening(question), by=cast["root"])
    check()


def test_moving_a_thread_between_a_public_and_a_staff_only_category(cast, question, staff_questions, check):
    services.cast_vote(post=reply_by(question, "bruno"), voter=cast["dora"])
    services.accept_answer(post=reply_by(question, "bruno"), by=cast["alice"])

    moderation.move_thread(thread=question, by=cast["marc"], category=staff_questions)
    check()
    assert selectors.counts(cast["bruno"], AnonymousUser()) == dict.fromkeys(selectors.COUNTED, 0)
    assert selectors.counts(cast["bruno"], cast["sophie"])["accepted"] == 1
    assert selectors.top_tags(cast["bruno"], AnonymousUser(), limit=8) == []

    moderation.move_thread(thread=question, by=cast["marc"], category=Category.objects.get(slug="help"))
    check()
    assert selectors.counts(cast["bruno"], AnonymousUser())["votes"] == 1


def test_what_changes_in_a_hidden_thread_counts_once_it_is_restored(cast, question, staff_questions, check):
    answer = reply_by(question, "bruno")
    services.cast_vote(post=answer, voter=cast["dora"])
    services.accept_answer(post=answer, by=cast["alice"])
    moderation.hide_post(post=opening(question), by=cast["marc"])

    services.retract_vote(post=answer, voter=cast["dora"])
    services.clear_answer(thread=question, by=cast["marc"])
    moderation.move_thread(thread=question, by=cast["marc"], category=staff_questions)
    services.edit_post(post=opening(question), editor=cast["marc"], body="Every night.", tags=["bridge", "lamps"])
    check()

    moderation.restore_post(post=opening(question), by=cast["marc"])
    check()
    assert selectors.counts(cast["bruno"], cast["sophie"])["replies"] == 1
    assert [tag["name"] for tag in selectors.top_tags(cast["bruno"], cast["sophie"], limit=8)] == ["bridge", "lamps"]


def test_editing_a_thread_moves_its_posts_between_tags(cast, question, check):
    services.cast_vote(post=reply_by(question, "bruno"), voter=cast["dora"])
    services.edit_post(post=opening(question), editor=cast["alice"], body="Every night.", tags=["wifi", "bridge"])
    check()
    services.edit_post(post=opening(question), editor=cast["alice"], body="Every single night.", tags=["router"])
    check()
    services.edit_post(post=opening(question), editor=cast["alice"], body="Each night.")  # tags not given: kept
    services.edit_post(post=reply_by(question, "bruno"), editor=cast["bruno"], body="Turn band steering off.")
    check()
    assert [tag["name"] for tag in selectors.top_tags(cast["bruno"], AnonymousUser(), limit=8)] == ["router"]

    services.edit_post(post=opening(question), editor=cast["alice"], body="Each night.", tags=[])
    check()
    assert selectors.top_tags(cast["alice"], AnonymousUser(), limit=8) == []


def test_a_category_whose_access_changes_needs_no_rewrite(cast, question, check):
    Category.objects.filter(pk=question.category_id).update(access=Category.Access.STAFF)  # as the admin does

    check()
    assert selectors.counts(cast["bruno"], AnonymousUser())["replies"] == 0
    assert selectors.counts(cast["bruno"], cast["sophie"])["replies"] == 1


def test_the_rows_roll_back_with_the_content(cast, question):
    before = stored_rows([cast["bruno"]])

    with pytest.raises(RuntimeError), transaction.atomic():
        services.cast_vote(post=reply_by(question, "bruno"), voter=cast["eve"])
        services.post_reply(thread=question, author=cast["bruno"], body="A second thought.")
        raise RuntimeError("the request failed after writing")

    assert stored_rows([cast["bruno"]]) == before


def test_a_day_is_the_site_time_zone_s_day(cast, questions, settings, viewers):
    settings.TIME_ZONE = "Pacific/Auckland"
    late_evening_utc = datetime(2026, 3, 10, 22, 30, tzinfo=ZoneInfo("UTC"))  # already the 11th in Auckland
    thread = services.start_thread(category=questions, author=cast["alice"], title="Late question", body="Hello")
    Post.objects.filter(thread=thread).update(created_at=late_evening_utc)
    call_command("rebuild_contributions", "alice", stdout=io.StringIO())

    days = selectors.posts_per_day(cast["alice"], AnonymousUser(), since=late_evening_utc.date() - timedelta(days=1))

    assert list(days) == [timezone.localtime(late_evening_utc).date()] == [late_evening_utc.date() + timedelta(days=1)]
    assert_rows_match_posts([cast["alice"]], viewers)


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_a_new_post_counts_on_today_in_the_site_time_zone(cast, questions, settings, viewers, zone):
    """25 hours apart: whenever the test runs, UTC's date differs from at least one of these zones'."""
    settings.TIME_ZONE = zone

    services.start_thread(category=questions, author=cast["alice"], title="A question", body="Hello")

    assert selectors.posts_per_day(cast["alice"], AnonymousUser(), since=date.min) == {timezone.localdate(): 1}
    assert_rows_match_posts([cast["alice"]], viewers)


# The rebuild --------------------------------------------------------------------------------------------


def _bulk_posts(thread, author, n):
    """Posts written without the services (an import, the demo seeder): no event, no row."""
    return Post.objects.bulk_create(
        Post(thread=thread, author=author, body=f"Reply {i}", body_html=f"<p>Reply {i}</p>", score=i % 3)
        for i in range(n)
    )


def test_the_rebuild_command_recomputes_everyone_s_rows_from_the_posts(cast, question, staff_questions, viewers):
    secret = services.start_thread(category=staff_questions, author=cast["sophie"], title="Internal", body="Psst")
    _bulk_posts(question, cast["bruno"], 5)
    _bulk_posts(secret, cast["carla"], 4)
    Thread.objects.filter(pk=secret.pk).update(accepted_answer=Post.objects.filter(thread=secret).last())
    CategoryTotals.objects.filter(member=cast["alice"]).update(threads=99)  # a row gone wrong

    call_command("rebuild_contributions", stdout=io.StringIO())

    assert selectors.counts(cast["bruno"], AnonymousUser())["replies"] == 6
    assert selectors.counts(cast["carla"], cast["sophie"])["accepted"] == 1
    assert_rows_match_posts([cast[name] for name in ("alice", "bruno", "carla", "sophie")], viewers)


def test_the_rebuild_command_can_rebuild_named_members_only(cast, question):
    _bulk_posts(question, cast["bruno"], 3)
    _bulk_posts(question, cast["carla"], 3)

    call_command("rebuild_contributions", "bruno", stdout=io.StringIO())

    assert selectors.counts(cast["bruno"], AnonymousUser())["replies"] == 4
    assert selectors.counts(cast["carla"], AnonymousUser())["replies"] == 1  # not rebuilt: still the events' rows


def test_the_rebuild_command_refuses_an_unknown_member(db):
    with pytest.raises(CommandError, match="nobody"):
        call_command("rebuild_contributions", "nobody", stdout=io.StringIO())


def test_the_rebuild_of_everyone_is_a_few_statements_whatever_the_number_of_posts(
    cast, question, django_assert_max_num_queries
):
    _bulk_posts(question, cast["bruno"], 300)

    with django_assert_max_num_queries(12):  # a DELETE and an INSERT ... SELECT per table, and savepoints
        call_command("rebuild_contributions", stdout=io.StringIO())

    assert DailyPosts.objects.exists() and TagTotals.objects.exists()


# Any order of events ------------------------------------------------------------------------------------


def _reply(rng, cast, thread, posts):
    authors = [cast[name] for name in WRITERS[1:] if permissions.can_read_thread(cast[name], thread)]
    if thread.is_visible:
        return services.post_reply(thread=thread, author=rng.choice(authors), body="Another idea")


def _vote(rng, cast, thread, posts):
    post = rng.choice(posts)
    voters = [
        cast[name]
        for name in ("dora", "eve", "alice", "sophie")
        if cast[name].pk != post.author_id and permissions.can_read_thread(cast[name], thread)
    ]
    if post.is_visible and thread.is_visible and voters:
        return services.cast_vote(post=post, voter=rng.choice(voters))


def _retract(rng, cast, thread, posts):
    votes = list(Vote.objects.filter(post__thread=thread).select_related("post", "voter").order_by("pk"))
    if votes:
        vote = rng.choice(votes)
        return services.retract_vote(post=vote.post, voter=vote.voter)


def _accept(rng, cast, thread, posts):
    candidates = [p for p in posts if p.is_reply and p.is_visible and p.author_id != thread.author_id]
    if thread.category.is_questions and thread.is_visible and candidates:
        return services.accept_answer(post=rng.choice(candidates), by=cast["marc"])


def _clear(rng, cast, thread, posts):
    if thread.accepted_answer_id and thread.category.is_questions:
        return services.clear_answer(thread=thread, by=cast["marc"])


def _endorse(rng, cast, thread, posts, *, withdraw=False):
    candidates = [
        p
        for p in posts
        if p.is_reply and p.is_visible and not p.is_official and (p.endorsed_by_id is not None) == withdraw
    ]
    if thread.is_visible and candidates:
        change = services.withdraw_endorsement if withdraw else services.endorse_reply
        return change(post=rng.choice(candidates), by=cast["sophie"])


def _withdraw(rng, cast, thread, posts):
    return _endorse(rng, cast, thread, posts, withdraw=True)


def _hide(rng, cast, thread, posts, *, opening=False, restore=False):
    candidates = [p for p in posts if p.is_opening == opening and p.is_visible != restore]
    if candidates:
        change = moderation.restore_post if restore else rng.choice([moderation.hide_post, moderation.delete_post])
        return change(post=rng.choice(candidates), by=cast["root"])


def _restore(rng, cast, thread, posts):
    return _hide(rng, cast, thread, posts, restore=True)


def _hide_thread(rng, cast, thread, posts):
    return _hide(rng, cast, thread, posts, opening=True)


def _restore_thread(rng, cast, thread, posts):
    return _hide(rng, cast, thread, posts, opening=True, restore=True)


def _move(rng, cast, thread, posts):
    elsewhere = rng.choice(list(Category.objects.exclude(pk=thread.category_id).order_by("pk")))
    return moderation.move_thread(thread=thread, by=cast["marc"], category=elsewhere)


def _retag(rng, cast, thread, posts):
    tags = rng.sample(["wifi", "lamps", "bridge", "router"], k=rng.randint(0, 3))
    return services.edit_post(post=posts[0], editor=cast["marc"], body=f"Edited {rng.random()}", tags=tags)


WRITERS = ("alice", "bruno", "carla", "sophie")
EVENTS = {
    "reply": _reply,
    "vote": _vote,
    "retract": _retract,
    "accept": _accept,
    "clear": _clear,
    "endorse": _endorse,
    "withdraw": _withdraw,
    "hide or delete a reply": _hide,
    "restore a reply": _restore,
    "hide or delete a thread": _hide_thread,
    "restore a thread": _restore_thread,
    "move": _move,
    "retag": _retag,
}


@pytest.mark.parametrize("seed", [1, 2])
def test_any_sequence_of_events_keeps_the_rows_right(
    cast, questions, discussion, staff_questions, viewers, check, seed
):
    """Events drawn at random over two threads, compared with the truth after each, until every
    kind of event has happened at least twice; the profile page's reading of them at the end."""
    rng = random.Random(seed)
    writers = [cast[name] for name in WRITERS]
    threads = [
        services.start_thread(category=questions, author=cast["alice"], title="First", body="?", tags=["wifi"]),
        services.start_thread(category=questions, author=cast["carla"], title="Second", body="?", tags=["lamps"]),
    ]
    done = dict.fromkeys(EVENTS, 0)
    for _ in range(300):
        if min(done.values()) >= 2:
            break
        thread = Thread.objects.select_related("category").get(pk=rng.choice(threads).pk)
        posts = list(Post.objects.filter(thread=thread).order_by("-is_opening", "pk"))
        name = rng.choice(list(EVENTS))
        if EVENTS[name](rng, cast, thread, posts):
            done[name] += 1
            assert_rows_match_posts(writers, viewers, through_profile=False)
    assert min(done.values()) >= 2, done
    check()
