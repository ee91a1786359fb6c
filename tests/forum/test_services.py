"""The forum's write path: each service writes its rows, keeps the counters and sends its event once."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from forum import events, services
from forum.counters import recount_all
from forum.models import Category, Follow, Post, PostRevision, Thread, Visibility, Vote
from forum.quotes import quote_markdown
from profiles.models import Member


def suspend(member):
    Member.objects.filter(pk=member.pk).update(suspended_until=timezone.now() + timedelta(days=2))
    member.refresh_from_db()
    return member


def rows():
    """How many rows the forum holds: bad input must leave every figure as it was."""
    return {
        "threads": Thread.objects.count(),
        "posts": Post.objects.count(),
        "revisions": PostRevision.objects.count(),
        "votes": Vote.objects.count(),
        "follows": Follow.objects.count(),
        "tags": Tag.objects.count(),
        "tagged": TaggedItem.objects.count(),
        "category_counts": list(Category.objects.order_by("pk").values_list("thread_count", "post_count")),
    }


@pytest.fixture
def question(make_thread, questions, member, other_member):
    """alice asks; bruno replies."""
    return make_thread(
        category=questions, author=member, title="How do I pair my lamp?", replies=[(other_member, "Hold the button.")]
    )


@pytest.fixture
def reply(question):
    return question.posts.get(is_opening=False)


@pytest.fixture
def opening(question):
    return question.posts.get(is_opening=True)


# start_thread ------------------------------------------------------------------------------


def test_start_thread_writes_the_thread_its_opening_post_tags_and_the_authors_follow(discussion, member):
    thread = services.start_thread(
        category=discussion,
        author=member,
        title="  My   first\tthread ",
        body="Hello **world**",
        tags="Lamps, lamps, Wi-Fi",
    )

    thread.refresh_from_db()
    assert thread.title == "My first thread"
    assert thread.slug == "my-first-thread"
    assert thread.get_absolute_url() == f"/t/my-first-thread/{thread.pk}/"
    assert sorted(thread.tags.names()) == ["lamps", "wi-fi"]
    assert thread.reply_count == 0
    assert thread.last_poster == member
    opening = thread.posts.get()
    assert opening.is_opening and opening.author == member
    assert opening.body_html == "<p>Hello <strong>world</strong></p>\n"
    assert not opening.is_official
    assert Follow.objects.filter(thread=thread, member=member, level=Follow.Level.FOLLOWING).exists()
    discussion.refresh_from_db()
    assert (discussion.thread_count, discussion.post_count) == (1, 1)


def test_start_thread_sends_thread_posted_once_with_the_thread_the_post_and_who_was_mentioned(
    discussion, member, other_member, sent_events
):
    thread = services.start_thread(
        category=discussion, author=member, title="Ask bruno anything", body="Hi @bruno and @alice and @nobody"
    )

    assert sent_events.names() == ["post_attempted", "thread_posted"]
    (attempt,) = sent_events.of(events.post_attempted)
    assert attempt == {
        "sender": Thread,
        "member": member,
        "action": "thread",
        "body": "Hi @bruno and @alice and @nobody",
    }
    (sent,) = sent_events.of(events.thread_posted)
    assert sent["sender"] is Thread
    assert sent["thread"] == thread
    assert sent["post"] == thread.posts.get(is_opening=True)
    assert sent["mentioned"] == [other_member]  # never the author, never an unknown name


def test_a_staff_members_opening_post_is_official(discussion, staff_member):
    thread = services.start_thread(
        category=discussion, author=staff_member, title="Release notes", body="New firmware."
    )

    assert thread.posts.get().is_official


def test_a_member_cannot_start_a_thread_in_a_staff_only_category(staff_category, member, sent_events):
    before = rows()

    with pytest.raises(PermissionDenied):
        services.start_thread(category=staff_category, author=member, title="Let me in", body="Please.")

    assert rows() == before
    assert sent_events.sent == []


@pytest.mark.parametrize("role", ["staff_member", "moderator", "admin_member"])
def test_staff_moderators_and_admins_can_start_a_thread_in_a_staff_only_category(staff_category, role, request):
    author = request.getfixturevalue(role)

    thread = services.start_thread(category=staff_category, author=author, title="Internal notes", body="For us.")

    assert thread.category == staff_category


# post_reply --------------------------------------------------------------------------------


def test_post_reply_counts_the_reply_and_moves_the_last_poster(question, other_member, make_member, questions):
    carla = make_member("carla")

    post = services.post_reply(thread=question, author=carla, body="Try resetting it.")

    question.refresh_from_db()
    assert question.reply_count == 2
    assert question.last_poster == carla
    assert question.last_activity_at == post.created_at
    assert not question.has_official_response
    assert question.first_official_at is None
    questions.refresh_from_db()
    assert (questions.thread_count, questions.post_count) == (1, 3)
    assert Follow.objects.filter(thread=question, member=carla).count() == 1


def test_post_reply_sends_reply_posted_once_with_quoted_posts_and_mentioned_members(
    question, reply, opening, member, other_member, make_member, sent_events
):
    carla = make_member("carla")
    body = quote_markdown(reply) + quote_markdown(opening) + "Agreed with @bruno, @alice and @carla."

    post = services.post_reply(thread=question, author=carla, body=body)

    assert sent_events.names() == ["post_attempted", "reply_posted"]
    (attempt,) = sent_events.of(events.post_attempted)
    assert attempt == {"sender": Post, "member": carla, "action": "reply", "body": body.strip()}
    (sent,) = sent_events.of(events.reply_posted)
    assert sent["sender"] is Post
    assert sent["post"] == post
    assert sent["post"].thread == question
    assert sorted(p.pk for p in sent["quoted"]) == sorted([reply.pk, opening.pk])
    assert sorted(m.username for m in sent["mentioned"]) == ["alice", "bruno"]  # not carla herself


def test_quoting_your_own_post_is_not_reported_as_a_quote(question, reply, other_member, sent_events):
    services.post_reply(thread=question, author=other_member, body=quote_markdown(reply) + "And more.")

    (sent,) = sent_events.of(events.reply_posted)
    assert sent["quoted"] == []


def test_a_staff_reply_is_an_official_response_and_first_official_at_is_kept_from_the_first_one(
    question, staff_member, make_member
):
    first = services.post_reply(thread=question, author=staff_member, body="We are looking into it.")
    other_staff = make_member("stan", staff=True, title="Acme Support")
    services.post_reply(thread=question, author=other_staff, body="Fixed in 2.1.")

    question.refresh_from_db()
    assert first.is_official
    assert question.has_official_response
    assert question.first_official_at == first.created_at


def test_a_members_reply_is_not_official(question, reply):
    assert not reply.is_official
    assert not question.has_official_response


def test_a_member_replying_twice_follows_the_thread_once(question, other_member):
    services.post_reply(thread=question, author=other_member, body="One more thing.")

    assert Follow.objects.filter(thread=question, member=other_member).count() == 1


def test_reply_to_a_locked_thread_is_refused_for_a_member(question, other_member, sent_events):
    Thread.objects.filter(pk=question.pk).update(is_locked=True)
    before = rows()

    with pytest.raises(PermissionDenied):
        services.post_reply(thread=question, author=other_member, body="Can I still?")

    assert rows() == before
    assert sent_events.sent == []


@pytest.mark.parametrize("role", ["staff_member", "moderator", "admin_member"])
def test_reply_to_a_locked_thread_is_allowed_for_staff_and_moderators(question, role, request):
    Thread.objects.filter(pk=question.pk).update(is_locked=True)
    replier = request.getfixturevalue(role)

    services.post_reply(thread=question, author=replier, body="Closing note.")

    question.refresh_from_db()
    assert question.reply_count == 2


def test_a_member_cannot_reply_in_a_staff_only_category(make_thread, staff_category, staff_member, member):
    thread = make_thread(category=staff_category, author=staff_member)

    with pytest.raises(Http404):
        services.post_reply(thread=thread, author=member, body="Hello?")

    assert thread.posts.count() == 1


# edit_post ---------------------------------------------------------------------------------


def test_editing_a_reply_keeps_a_revision_with_the_old_and_new_body(reply, other_member, sent_events):
    post = services.edit_post(post=reply, editor=other_member, body="Hold the button for 5 seconds.")

    post.refresh_from_db()
    assert post.body == "Hold the button for 5 seconds."
    assert post.body_html == "<p>Hold the button for 5 seconds.</p>\n"
    assert post.edit_count == 1
    revision = post.revisions.get()
    assert (revision.old_body, revision.new_body) == ("Hold the button.", "Hold the button for 5 seconds.")
    assert (revision.old_title, revision.new_title) == ("", "")
    assert revision.editor == other_member
    assert post.edited_at == revision.created_at
    assert sent_events.names() == ["post_edited"]
    (sent,) = sent_events.of(events.post_edited)
    assert sent == {"sender": Post, "post": post, "editor": other_member, "revision": revision, "old_tags": None}


def test_editing_the_opening_post_changes_the_title_slug_and_tags_and_keeps_the_old_title(question, opening, member):
    services.edit_post(
        post=opening,
        editor=member,
        body="Edited question.",
        title="How do I pair my new lamp?",
        tags=["lamps", "pairing"],
    )

    question.refresh_from_db()
    assert question.title == "How do I pair my new lamp?"
    assert question.slug == "how-do-i-pair-my-new-lamp"
    assert sorted(question.tags.names()) == ["lamps", "pairing"]
    revision = opening.revisions.get()
    assert (revision.old_title, revision.new_title) == ("How do I pair my lamp?", "How do I pair my new lamp?")
    assert (revision.old_body, revision.new_body) == ("What do you think?", "Edited question.")


def test_changing_only_the_tags_of_a_thread_keeps_a_revision(question, opening, member):
    services.edit_post(post=opening, editor=member, body=opening.body, tags=["lamps"])

    question.refresh_from_db()
    assert list(question.tags.names()) == ["lamps"]
    assert opening.revisions.count() == 1


def test_an_edit_that_sets_the_tags_sends_the_tags_it_replaced(question, opening, member, sent_events):
    question.tags.set(["lamps", "wifi"])

    services.edit_post(post=opening, editor=member, body=opening.body, tags=["pairing"])

    (sent,) = sent_events.of(events.post_edited)
    assert sorted(tag.name for tag in sent["old_tags"]) == ["lamps", "wifi"]


def test_a_title_given_when_editing_a_reply_leaves_the_thread_title_alone(question, reply, other_member):
    services.edit_post(post=reply, editor=other_member, body="New text.", title="A sneaky new title")

    question.refresh_from_db()
    assert question.title == "How do I pair my lamp?"
    assert reply.revisions.get().new_title == ""


def test_an_edit_that_changes_nothing_writes_no_revision_and_sends_nothing(reply, other_member, sent_events):
    services.edit_post(post=reply, editor=other_member, body="  Hold the button.  ")

    assert PostRevision.objects.count() == 0
    assert sent_events.sent == []


def test_another_member_cannot_edit_a_post(reply, member, sent_events):
    with pytest.raises(PermissionDenied):
        services.edit_post(post=reply, editor=member, body="Vandalised.")

    reply.refresh_from_db()
    assert reply.body == "Hold the button."
    assert PostRevision.objects.count() == 0
    assert sent_events.sent == []


@pytest.mark.parametrize("role", ["staff_member", "moderator", "admin_member"])
def test_staff_and_moderators_can_edit_anyones_post(reply, role, request):
    editor = request.getfixturevalue(role)

    services.edit_post(post=reply, editor=editor, body="Tidied up.")

    assert reply.revisions.get().editor == editor


def test_the_author_cannot_edit_in_a_locked_thread(question, reply, other_member):
    Thread.objects.filter(pk=question.pk).update(is_locked=True)

    with pytest.raises(PermissionDenied):
        services.edit_post(post=reply, editor=other_member, body="Too late.")


# cast_vote / retract_vote ------------------------------------------------------------------


def test_a_vote_counts_once_and_a_second_vote_returns_none(reply, member, sent_events):
    vote = services.cast_vote(post=reply, voter=member)
    again = services.cast_vote(post=reply, voter=member)

    assert vote is not None and again is None
    assert Vote.objects.filter(post=reply, voter=member).count() == 1
    reply.refresh_from_db()
    assert reply.score == 1
    assert sent_events.names() == ["vote_cast"]
    (sent,) = sent_events.of(events.vote_cast)
    assert sent == {"sender": Vote, "vote": vote}
    assert (sent["vote"].post, sent["vote"].voter) == (reply, member)


def test_a_vote_on_a_reply_leaves_the_thread_score_alone(question, reply, member):
    services.cast_vote(post=reply, voter=member)

    question.refresh_from_db()
    assert question.score == 0


def test_a_vote_on_the_opening_post_counts_for_the_thread(question, opening, other_member):
    services.cast_vote(post=opening, voter=other_member)

    opening.refresh_from_db()
    question.refresh_from_db()
    assert (opening.score, question.score) == (1, 1)


def test_voting_on_your_own_post_is_refused(opening, member, sent_events):
    with pytest.raises(PermissionDenied):
        services.cast_vote(post=opening, voter=member)

    assert Vote.objects.count() == 0
    assert sent_events.sent == []


def test_a_hidden_post_cannot_receive_votes(reply, member):
    Post.objects.filter(pk=reply.pk).update(visibility=Visibility.HIDDEN)

    with pytest.raises(PermissionDenied):
        services.cast_vote(post=reply, voter=member)


def test_a_member_cannot_vote_in_a_staff_only_category(make_thread, staff_category, staff_member, member):
    thread = make_thread(category=staff_category, author=staff_member)

    with pytest.raises(Http404):
        services.cast_vote(post=thread.posts.get(), voter=member)

    assert Vote.objects.count() == 0


def test_retracting_a_vote_takes_the_point_back_once(question, opening, other_member, sent_events):
    services.cast_vote(post=opening, voter=other_member)
    sent_events.clear()

    assert services.retract_vote(post=opening, voter=other_member) is True
    assert services.retract_vote(post=opening, voter=other_member) is False

    opening.refresh_from_db()
    question.refresh_from_db()
    assert (opening.score, question.score) == (0, 0)
    assert Vote.objects.count() == 0
    assert sent_events.names() == ["vote_retracted"]
    (sent,) = sent_events.of(events.vote_retracted)
    assert sent == {"sender": Vote, "post": opening, "voter": other_member}


# accept_answer / clear_answer --------------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "staff_member", "moderator", "admin_member"])
def test_the_author_staff_and_moderators_can_accept_an_answer(question, reply, role, request, sent_events):
    by = request.getfixturevalue(role)  # member is alice, who asked

    services.accept_answer(post=reply, by=by)

    question.refresh_from_db()
    assert question.accepted_answer == reply
    assert question.accepted_at is not None
    assert sent_events.names() == ["answer_accepted"]
    (sent,) = sent_events.of(events.answer_accepted)
    assert sent == {"sender": Thread, "thread": question, "post": reply, "by": by, "previous": None}


def test_another_member_cannot_accept_an_answer(question, reply, make_member, sent_events):
    with pytest.raises(PermissionDenied):
        services.accept_answer(post=reply, by=make_member("carla"))

    question.refresh_from_db()
    assert question.accepted_answer is None
    assert sent_events.sent == []


def test_the_replier_cannot_accept_their_own_reply(question, reply, other_member):
    with pytest.raises(PermissionDenied):
        services.accept_answer(post=reply, by=other_member)


def test_replacing_the_answer_sends_answer_cleared_then_answer_accepted(
    question, reply, member, make_member, sent_events
):
    better = services.post_reply(thread=question, author=make_member("carla"), body="Update the firmware first.")
    services.accept_answer(post=reply, by=member)
    sent_events.clear()

    services.accept_answer(post=better, by=member)

    question.refresh_from_db()
    assert question.accepted_answer == better
    assert sent_events.names() == ["answer_cleared", "answer_accepted"]
    cleared, accepted = sent_events.of(events.answer_cleared)[0], sent_events.of(events.answer_accepted)[0]
    assert cleared == {"sender": Thread, "thread": question, "post": reply, "by": member}
    assert accepted == {"sender": Thread, "thread": question, "post": better, "by": member, "previous": reply}


def test_accepting_the_same_answer_twice_sends_nothing_the_second_time(reply, member, sent_events):
    services.accept_answer(post=reply, by=member)
    services.accept_answer(post=reply, by=member)

    assert sent_events.names() == ["answer_accepted"]


def test_only_questions_have_accepted_answers(make_thread, discussion, member, other_member, sent_events):
    thread = make_thread(category=discussion, author=member, replies=[(other_member, "Nice.")])
    sent_events.clear()

    with pytest.raises(PermissionDenied):
        services.accept_answer(post=thread.posts.get(is_opening=False), by=member)

    thread.refresh_from_db()
    assert thread.accepted_answer is None
    assert sent_events.sent == []


def test_the_opening_post_cannot_be_the_answer(question, opening, member):
    with pytest.raises(PermissionDenied):
        services.accept_answer(post=opening, by=member)

    question.refresh_from_db()
    assert question.accepted_answer is None


def test_a_hidden_reply_cannot_be_the_answer(question, reply, member):
    Post.objects.filter(pk=reply.pk).update(visibility=Visibility.HIDDEN)

    with pytest.raises(PermissionDenied):
        services.accept_answer(post=reply, by=member)


def test_clearing_the_answer_sends_answer_cleared_once(question, reply, member, sent_events):
    services.accept_answer(post=reply, by=member)
    sent_events.clear()

    services.clear_answer(thread=question, by=member)
    services.clear_answer(thread=question, by=member)

    question.refresh_from_db()
    assert (question.accepted_answer, question.accepted_at) == (None, None)
    assert sent_events.names() == ["answer_cleared"]
    assert sent_events.of(events.answer_cleared)[0] == {
        "sender": Thread,
        "thread": question,
        "post": reply,
        "by": member,
    }


def test_another_member_cannot_clear_the_answer(question, reply, member, make_member):
    services.accept_answer(post=reply, by=member)

    with pytest.raises(PermissionDenied):
        services.clear_answer(thread=question, by=make_member("carla"))

    question.refresh_from_db()
    assert question.accepted_answer == reply


# endorse_reply / withdraw_endorsement ------------------------------------------------------


@pytest.mark.parametrize("role", ["staff_member", "admin_member"])
def test_staff_can_endorse_a_members_reply(reply, role, request, sent_events):
    by = request.getfixturevalue(role)

    services.endorse_reply(post=reply, by=by)
    services.endorse_reply(post=reply, by=by)

    reply.refresh_from_db()
    assert reply.endorsed_by == by
    assert reply.endorsed_at is not None
    assert sent_events.names() == ["reply_endorsed"]
    assert sent_events.of(events.reply_endorsed)[0] == {"sender": Post, "post": reply, "by": by}


@pytest.mark.parametrize("role", ["member", "other_member", "moderator"])
def test_members_and_moderators_who_are_not_staff_cannot_endorse(reply, role, request, sent_events):
    with pytest.raises(PermissionDenied):
        services.endorse_reply(post=reply, by=request.getfixturevalue(role))

    reply.refresh_from_db()
    assert reply.endorsed_by is None
    assert sent_events.sent == []


def test_staff_cannot_endorse_their_own_reply_or_another_official_post(question, staff_member, make_member):
    own = services.post_reply(thread=question, author=staff_member, body="Official answer.")
    other_staff = make_member("stan", staff=True)

    with pytest.raises(PermissionDenied):
        services.endorse_reply(post=own, by=staff_member)
    with pytest.raises(PermissionDenied):
        services.endorse_reply(post=own, by=other_staff)

    own.refresh_from_db()
    assert own.endorsed_by is None


def test_the_opening_post_cannot_be_endorsed(opening, staff_member):
    with pytest.raises(PermissionDenied):
        services.endorse_reply(post=opening, by=staff_member)


def test_withdrawing_an_endorsement_names_who_withdrew_and_who_had_endorsed(
    reply, staff_member, make_member, sent_events
):
    services.endorse_reply(post=reply, by=staff_member)
    colleague = make_member("stan", staff=True)
    sent_events.clear()

    services.withdraw_endorsement(post=reply, by=colleague)
    services.withdraw_endorsement(post=reply, by=colleague)

    reply.refresh_from_db()
    assert (reply.endorsed_by, reply.endorsed_at) == (None, None)
    assert sent_events.names() == ["endorsement_withdrawn"]
    sent = sent_events.of(events.endorsement_withdrawn)[0]
    assert sent == {"sender": Post, "post": reply, "by": colleague, "endorser": staff_member}


def test_a_member_cannot_withdraw_an_endorsement(reply, staff_member, member):
    services.endorse_reply(post=reply, by=staff_member)

    with pytest.raises(PermissionDenied):
        services.withdraw_endorsement(post=reply, by=member)

    reply.refresh_from_db()
    assert reply.endorsed_by == staff_member


# follow / mute / unfollow ------------------------------------------------------------------


def test_follow_mute_and_unfollow_set_the_level_and_send_follow_changed_each_time(question, make_member, sent_events):
    carla = make_member("carla")

    services.follow_thread(thread=question, member=carla)
    assert Follow.objects.get(thread=question, member=carla).level == Follow.Level.FOLLOWING
    services.mute_thread(thread=question, member=carla)
    assert Follow.objects.get(thread=question, member=carla).level == Follow.Level.MUTED
    services.unfollow_thread(thread=question, member=carla)
    assert not Follow.objects.filter(thread=question, member=carla).exists()

    assert sent_events.names() == ["follow_changed"] * 3
    assert [(s["sender"], s["thread"], s["member"], s["level"]) for s in sent_events.of(events.follow_changed)] == [
        (Follow, question, carla, "following"),
        (Follow, question, carla, "muted"),
        (Follow, question, carla, None),
    ]


def test_a_visitor_cannot_follow(question, sent_events):
    with pytest.raises(PermissionDenied):
        services.follow_thread(thread=question, member=AnonymousUser())

    assert sent_events.sent == []


def test_a_member_cannot_follow_a_thread_in_a_staff_only_category(make_thread, staff_category, staff_member, member):
    thread = make_thread(category=staff_category, author=staff_member)

    with pytest.raises(Http404):
        services.follow_thread(thread=thread, member=member)

    assert not Follow.objects.filter(member=member).exists()


# a suspended member ------------------------------------------------------------------------


def _start(ctx):
    services.start_thread(category=ctx["question"].category, author=ctx["who"], title="Still here", body="Hi.")


def _reply(ctx):
    services.post_reply(thread=ctx["question"], author=ctx["who"], body="Hi.")


def _edit(ctx):
    services.edit_post(post=ctx["own_post"], editor=ctx["who"], body="Changed while suspended.")


def _vote(ctx):
    services.cast_vote(post=ctx["reply"], voter=ctx["who"])


def _retract(ctx):
    services.retract_vote(post=ctx["voted_post"], voter=ctx["who"])


def _accept(ctx):
    services.accept_answer(post=ctx["reply"], by=ctx["who"])


def _clear(ctx):
    services.clear_answer(thread=ctx["question"], by=ctx["who"])


def _endorse(ctx):
    services.endorse_reply(post=ctx["reply"], by=ctx["who"])


def _withdraw(ctx):
    services.withdraw_endorsement(post=ctx["endorsed_post"], by=ctx["who"])


SUSPENDED_ACTIONS = {
    "start a thread": (_start, "member"),
    "reply": (_reply, "member"),
    "edit their own post": (_edit, "member"),
    "vote": (_vote, "member"),
    "retract a vote": (_retract, "member"),
    "accept an answer to their question": (_accept, "member"),
    "clear the answer to their question": (_clear, "member"),
    "endorse as staff": (_endorse, "staff_member"),
    "withdraw an endorsement as staff": (_withdraw, "staff_member"),
}


@pytest.mark.parametrize("action", SUSPENDED_ACTIONS)
def test_a_suspended_member_is_refused(
    action, question, reply, opening, member, staff_member, make_member, request, sent_events
):
    do, role = SUSPENDED_ACTIONS[action]
    who = request.getfixturevalue(role)
    carla = make_member("carla")
    second = services.post_reply(thread=question, author=carla, body="Another idea.")
    services.cast_vote(post=second, voter=who)
    services.accept_answer(post=second, by=member)
    services.endorse_reply(post=second, by=staff_member)
    own_post = opening if who == member else services.post_reply(thread=question, author=who, body="Staff note.")
    suspend(who)
    before = rows()
    sent_events.clear()
    ctx = {
        "question": question,
        "reply": reply,
        "who": who,
        "own_post": own_post,
        "voted_post": second,
        "endorsed_post": second,
    }

    with pytest.raises(PermissionDenied):
        do(ctx)

    assert rows() == before
    assert sent_events.sent == []
    second.refresh_from_db()
    question.refresh_from_db()
    assert (second.score, second.endorsed_by, question.accepted_answer) == (1, staff_member, second)


def test_a_suspension_that_has_ended_no_longer_refuses(question, other_member):
    Member.objects.filter(pk=other_member.pk).update(suspended_until=timezone.now() - timedelta(minutes=1))
    other_member.refresh_from_db()

    services.post_reply(thread=question, author=other_member, body="I am back.")

    assert question.posts.count() == 3


# counters ----------------------------------------------------------------------------------


def counters():
    return {
        "threads": list(
            Thread.objects.order_by("pk").values_list(
                "reply_count", "score", "last_poster", "last_activity_at", "has_official_response", "first_official_at"
            )
        ),
        "posts": list(Post.objects.order_by("pk").values_list("score")),
        "categories": list(Category.objects.order_by("pk").values_list("thread_count", "post_count")),
    }


def test_recount_all_restores_every_counter_after_tampering(
    make_thread, discussion, questions, member, other_member, staff_member, make_member
):
    carla = make_member("carla")
    talk = make_thread(category=discussion, author=member, replies=[(other_member, "Yes."), (carla, "No.")])
    asked = make_thread(
        category=questions, author=other_member, replies=[(staff_member, "Official."), (carla, "Also.")]
    )
    make_thread(category=questions, author=carla)
    services.cast_vote(post=talk.posts.get(is_opening=True), voter=carla)
    services.cast_vote(post=asked.posts.get(author=carla), voter=member)
    services.cast_vote(post=asked.posts.get(author=carla), voter=other_member)
    services.accept_answer(post=asked.posts.get(author=carla), by=other_member)
    truth = counters()
    asked.refresh_from_db()
    assert asked.has_official_response and asked.first_official_at is not None
    assert [t[0] for t in truth["threads"]] == [2, 2, 0]
    assert truth["categories"] == [(1, 3), (2, 4)]

    Thread.objects.update(
        reply_count=99,
        score=-5,
        last_poster=None,
        has_official_response=False,
        first_official_at=None,
        last_activity_at=timezone.now(),
    )
    Post.objects.update(score=42)
    Category.objects.update(thread_count=0, post_count=7)
    assert counters() != truth

    recount_all()

    assert counters() == truth


# bad input ---------------------------------------------------------------------------------

BAD_THREADS = {
    "an empty body": {"body": ""},
    "a body of only spaces": {"body": "  \n\t "},
    "a NUL byte in the body": {"body": "before\x00after"},
    "a NUL byte in the title": {"title": "A title\x00with NUL"},
    "a control character in the title": {"title": "A title \x07 that beeps"},
    "a title of 4 characters": {"title": "Four"},
    "a title of 4 characters padded with spaces": {"title": "   Four    "},
    "a title of 151 characters": {"title": "x" * 151},
    "a body of 50,001 characters": {"body": "x" * 50_001},
    "6 tags": {"tags": ["one", "two", "three", "four", "five", "six"]},
    "a lone surrogate": {"body": "broken \ud800 text"},
}


@pytest.mark.parametrize("bad", BAD_THREADS)
def test_start_thread_refuses_bad_input_and_writes_nothing(bad, discussion, member, sent_events):
    before = rows()
    arguments = {"title": "A perfectly good title", "body": "A good body.", "tags": ["fine"], **BAD_THREADS[bad]}

    with pytest.raises(ValidationError):
        services.start_thread(category=discussion, author=member, **arguments)

    assert rows() == before
    assert sent_events.sent == []


@pytest.mark.parametrize(
    ("title", "body"),
    [("x" * 5, "ok"), ("x" * 150, "ok"), ("Long body", "x" * 50_000), ("Padded", "  x  " + " " * 60_000)],
)
def test_start_thread_accepts_input_at_the_limits(title, body, discussion, member):
    thread = services.start_thread(
        category=discussion, author=member, title=title, body=body, tags=["a", "b", "c", "d", "e"]
    )

    assert thread.title == title
    assert thread.tags.count() == 5


@pytest.mark.parametrize("bad", ["", "   ", "a\x00b", "x" * 50_001, "\x1b[31mred"])
def test_post_reply_refuses_bad_input_and_writes_nothing(bad, question, member, sent_events):
    before = rows()

    with pytest.raises(ValidationError):
        services.post_reply(thread=question, author=member, body=bad)

    assert rows() == before
    question.refresh_from_db()
    assert question.reply_count == 1
    assert sent_events.sent == []


@pytest.mark.parametrize(
    "bad",
    [
        {"body": ""},
        {"body": "x\x00"},
        {"title": "Four"},
        {"title": "y" * 151},
        {"tags": list("abcdef")},
        {"body": "x" * 50_001},
    ],
)
def test_edit_post_refuses_bad_input_and_writes_nothing(bad, question, opening, member, sent_events):
    before = rows()

    with pytest.raises(ValidationError):
        services.edit_post(post=opening, editor=member, **{"body": "New body.", **bad})

    assert rows() == before
    opening.refresh_from_db()
    question.refresh_from_db()
    assert (opening.body, question.title, opening.edit_count) == ("What do you think?", "How do I pair my lamp?", 0)
    assert sent_events.sent == []
