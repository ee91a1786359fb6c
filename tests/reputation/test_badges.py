"""Badges: each rule in the catalogue, earned through the real forum services, once (or once per post)."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from forum import services
from forum.models import Category, Post, Thread, Vote
from profiles.models import Member
from profiles.services import update_profile
from reputation import badges
from reputation import events as reputation_events
from reputation.models import BadgeAward


@pytest.fixture
def questions(db):
    return Category.objects.create(slug="help", name="Help", kind=Category.Kind.QUESTIONS)


@pytest.fixture
def ask(questions):
    counter = iter(range(1, 10_000))

    def ask(author, title=None):
        return services.start_thread(
            category=questions, author=author, title=title or f"Question number {next(counter)}", body="How?"
        )

    return ask


@pytest.fixture
def question(ask, member):
    return ask(member)


@pytest.fixture
def answer(question, other_member):
    return services.post_reply(thread=question, author=other_member, body="Like this.")


@pytest.fixture
def awarded():
    """Every badge_awarded event sent during the test, as (username, badge slug, post id)."""
    sent = []

    def receive(sender, award, badge, **kwargs):
        sent.append((award.member.username, badge.slug, award.post_id))

    reputation_events.badge_awarded.connect(receive, weak=False, dispatch_uid="test-badges-recorder")
    yield sent
    reputation_events.badge_awarded.disconnect(dispatch_uid="test-badges-recorder")


def held(member, slug=None) -> list[str]:
    awards = BadgeAward.objects.filter(member=member)
    if slug:
        awards = awards.filter(badge=slug)
    return sorted(awards.values_list("badge", flat=True))


def has(member, slug) -> bool:
    return BadgeAward.objects.filter(member=member, badge=slug).exists()


def bulk_members(count, prefix="voter") -> list[Member]:
    return Member.objects.bulk_create([Member(username=f"{prefix}{i}") for i in range(count)])


def bulk_votes(post, count):
    """`count` helpful votes written directly, as if cast long ago; the next real vote triggers the badges."""
    voters = bulk_members(count, prefix=f"voter-{post.pk}-")
    Vote.objects.bulk_create([Vote(post=post, voter=voter) for voter in voters])
    Post.objects.filter(pk=post.pk).update(score=F("score") + count)


def bulk_accepted_answers(*, answerer, asker, category, count, answered_after=timedelta(minutes=5)):
    """`count` questions by `asker`, each with `answerer`'s reply accepted, written directly."""
    asked_at = timezone.now() - timedelta(days=2)
    threads = Thread.objects.bulk_create(
        Thread(category=category, title=f"Old question {i}", slug=f"old-{i}", author=asker, created_at=asked_at)
        for i in range(count)
    )
    Post.objects.bulk_create(
        Post(thread=t, author=asker, is_opening=True, body="?", body_html="<p>?</p>", created_at=asked_at)
        for t in threads
    )
    replies = Post.objects.bulk_create(
        Post(thread=t, author=answerer, body="!", body_html="<p>!</p>", created_at=asked_at + answered_after)
        for t in threads
    )
    for thread, reply in zip(threads, replies, strict=True):
        thread.accepted_answer, thread.accepted_at = reply, asked_at + timedelta(days=1)
    Thread.objects.bulk_update(threads, ["accepted_answer", "accepted_at"])


# The catalogue ----------------------------------------------------------------------------


def test_the_catalogue_has_at_least_twelve_badges_in_all_three_tiers():
    assert len(badges.CATALOGUE) >= 12
    assert {badge.tier for badge in badges.CATALOGUE} == {badges.BRONZE, badges.SILVER, badges.GOLD}
    assert len(badges.BY_SLUG) == len(badges.CATALOGUE)  # slugs are unique


def test_every_badge_has_a_name_a_description_and_a_known_trigger():
    known = {
        badges.REPLY,
        badges.REPLIED_TO,
        badges.VOTE,
        badges.ACCEPT,
        badges.ENDORSE,
        badges.PROFILE,
        badges.THREAD,
        badges.IDEA_VOTE,
        badges.IDEA_STATUS,
    }
    for badge in badges.CATALOGUE:
        assert str(badge.name) and str(badge.description), badge.slug
        assert badge.triggers and set(badge.triggers) <= known, badge.slug
        assert badge.family in {"advocate", "participation"}, badge.slug


def test_the_advocate_family_rewards_answering_others():
    advocates = {badge.slug for badge in badges.CATALOGUE if badge.family == "advocate"}

    assert {
        "first-answer",
        "helpful",
        "solver",
        "problem-solver",
        "guru",
        "welcomer",
        "quick-draw",
        "good-answer",
        "great-answer",
    } <= advocates


# Each badge, earned through the services -------------------------------------------------


def test_first_answer_is_earned_by_answering_someone_elses_thread(question, member, other_member):
    services.post_reply(thread=question, author=member, body="Some more detail on my own question.")
    assert not has(member, "first-answer")

    services.post_reply(thread=question, author=other_member, body="Here is how.")

    assert has(other_member, "first-answer")


def test_an_official_response_earns_staff_no_advocate_badge(question, staff_member, member):
    reply = services.post_reply(thread=question, author=staff_member, body="Acme here.")
    services.cast_vote(post=reply, voter=member)
    services.accept_answer(post=reply, by=member)

    assert held(staff_member) == []


def test_helpful_is_earned_when_a_reply_to_someone_else_is_marked_helpful(question, answer, member, other_member):
    services.cast_vote(post=question.posts.get(is_opening=True), voter=other_member)
    assert not has(member, "helpful")  # a vote on your own thread is not a helpful answer

    services.cast_vote(post=answer, voter=member)

    assert has(other_member, "helpful")


def test_solver_is_earned_by_a_first_accepted_answer_on_someone_elses_question(answer, member, other_member):
    services.accept_answer(post=answer, by=member)

    assert has(other_member, "solver")
    assert not has(member, "solver")


def test_accepting_your_own_reply_earns_no_solver_badge(question, member):
    own = services.post_reply(thread=question, author=member, body="Solved it myself.")

    services.accept_answer(post=own, by=member)

    assert not has(member, "solver")


@pytest.mark.parametrize(("slug", "count"), [("problem-solver", 10), ("guru", 50)])
def test_accepted_answer_milestones_are_earned_on_the_answer_that_reaches_them(
    slug, count, questions, answer, member, other_member, make_member
):
    bulk_accepted_answers(answerer=other_member, asker=make_member(), category=questions, count=count - 2)
    late = services.post_reply(thread=answer.thread, author=other_member, body="Another way.")
    services.accept_answer(post=late, by=member)  # count - 1 accepted answers
    assert not has(other_member, slug)

    services.accept_answer(post=answer, by=member)  # replaces the last one: still count - 1
    assert not has(other_member, slug)

    extra = services.start_thread(category=questions, author=member, title="One more question", body="?")
    reply = services.post_reply(thread=extra, author=other_member, body="And this.")
    services.accept_answer(post=reply, by=member)

    assert has(other_member, slug)


def test_welcomer_is_earned_by_useful_answers_to_five_newcomers_first_threads(ask, make_member, other_member):
    voter = make_member("voter")
    veteran = make_member("veteran", date_joined=timezone.now() - timedelta(days=90))
    old_hand_thread = ask(veteran)
    services.accept_answer(post=services.post_reply(thread=old_hand_thread, author=other_member, body="A."), by=veteran)
    newcomers = [make_member(f"newcomer{i}") for i in range(5)]
    for newcomer in newcomers[:4]:
        thread = ask(newcomer)
        reply = services.post_reply(thread=thread, author=other_member, body="Welcome! Here is how.")
        services.accept_answer(post=reply, by=newcomer)
    second_thread = ask(newcomers[0])  # not a first thread
    reply = services.post_reply(thread=second_thread, author=other_member, body="B.")
    services.accept_answer(post=reply, by=newcomers[0])
    assert not has(other_member, "welcomer")

    last = services.post_reply(thread=ask(newcomers[4]), author=other_member, body="Welcome too.")
    assert not has(other_member, "welcomer")  # an answer nobody found useful yet
    services.cast_vote(post=last, voter=voter)

    assert has(other_member, "welcomer")


def test_quick_draw_is_earned_by_five_accepted_answers_posted_within_an_hour(ask, member, other_member):
    slow = services.post_reply(thread=ask(member), author=other_member, body="Late answer.")
    Post.objects.filter(pk=slow.pk).update(created_at=slow.created_at + timedelta(hours=2))
    services.accept_answer(post=slow, by=member)
    for _ in range(4):
        services.accept_answer(
            post=services.post_reply(thread=ask(member), author=other_member, body="Fast."), by=member
        )
    assert not has(other_member, "quick-draw")

    services.accept_answer(post=services.post_reply(thread=ask(member), author=other_member, body="Fast."), by=member)

    assert has(other_member, "quick-draw")


@pytest.mark.parametrize(("slug", "score"), [("good-answer", 10), ("great-answer", 25)])
def test_score_badges_are_earned_when_a_reply_reaches_the_score(slug, score, answer, other_member, make_member):
    bulk_votes(answer, score - 2)
    services.cast_vote(post=answer, voter=make_member())
    assert not has(other_member, slug)

    services.cast_vote(post=answer, voter=make_member())

    award = BadgeAward.objects.get(member=other_member, badge=slug)
    assert award.post == answer


def test_score_badges_are_earned_once_per_post(question, answer, other_member, make_member):
    second = services.post_reply(thread=question, author=other_member, body="And another tip.")
    for post in (answer, second):
        bulk_votes(post, 9)
        services.cast_vote(post=post, voter=make_member())
    services.cast_vote(post=answer, voter=make_member())  # 11: no second award for the same post

    awards = BadgeAward.objects.filter(member=other_member, badge="good-answer")
    assert sorted(awards.values_list("post_id", flat=True)) == sorted([answer.pk, second.pk])


def test_endorsed_is_earned_when_staff_endorse_a_reply(answer, other_member, staff_member):
    services.endorse_reply(post=answer, by=staff_member)

    assert has(other_member, "endorsed")
    assert not has(staff_member, "endorsed")


def test_autobiographer_is_earned_by_completing_the_profile(member):
    update_profile(member=member, bio="I fix routers.")
    Member.objects.filter(pk=member.pk).update(avatar="avatars/alice.webp")  # the upload itself is not the point
    assert not has(member, "autobiographer")

    update_profile(member=member, location="Lyon")

    assert has(member, "autobiographer")


def test_supporter_is_earned_by_a_first_vote(answer, member):
    services.cast_vote(post=answer, voter=member)

    assert has(member, "supporter")


def test_conversation_starter_is_earned_once_per_thread_that_draws_five_other_members(question, member, make_member):
    others = [make_member() for _ in range(5)]
    for other in others[:4]:
        services.post_reply(thread=question, author=other, body="Me too.")
    services.post_reply(thread=question, author=member, body="Thanks all.")
    services.post_reply(thread=question, author=others[0], body="Again.")
    assert not has(member, "conversation-starter")

    services.post_reply(thread=question, author=others[4], body="Same here.")
    services.post_reply(thread=question, author=make_member(), body="Sixth.")

    award = BadgeAward.objects.get(member=member, badge="conversation-starter")
    assert award.post == question.posts.get(is_opening=True)


def test_a_reply_counts_for_the_conversation_starter_of_its_own_thread_only(question, ask, member, make_member):
    """A reply changes its own thread's repliers, and no other thread's: a question that has
    drawn five members without the badge (here, the award taken back, as for a rule added
    later) is counted at its next reply, not at a reply to another thread of its author."""
    repliers = [make_member() for _ in range(5)]
    for replier in repliers:
        services.post_reply(thread=question, author=replier, body="Me too.")
    BadgeAward.objects.filter(member=member, badge="conversation-starter").delete()

    services.post_reply(thread=ask(member), author=repliers[0], body="Elsewhere.")
    assert not has(member, "conversation-starter")

    services.post_reply(thread=question, author=repliers[1], body="Again.")
    assert BadgeAward.objects.get(member=member, badge="conversation-starter").post == question.posts.get(
        is_opening=True
    )


def test_every_badge_in_the_catalogue_is_covered_here():
    covered = {
        "first-answer",
        "helpful",
        "solver",
        "problem-solver",
        "guru",
        "welcomer",
        "quick-draw",
        "good-answer",
        "great-answer",
        "endorsed",
        "autobiographer",
        "supporter",
        "conversation-starter",
        # The ideas' badges are tested with the ideas' credits, in test_ideas.py.
        "visionary",
        "crowd-favourite",
        "voice-of-the-community",
        # Came to help rewards an answer to an invitation: tests/answering/test_invitations.py.
        "came-to-help",
    }
    assert set(badges.BY_SLUG) == covered  # a new badge needs its own test above


# Once, the counters, the event, the transaction -------------------------------------------


def test_a_badge_is_awarded_once_however_often_it_is_earned_again(ask, member, other_member, awarded):
    for _ in range(3):
        services.post_reply(thread=ask(member), author=other_member, body="Another answer.")

    assert held(other_member, "first-answer") == ["first-answer"]
    assert awarded.count(("bruno", "first-answer", None)) == 1


def test_the_tier_counters_on_the_member_match_their_badges(question, answer, member, other_member, staff_member):
    services.cast_vote(post=answer, voter=member)
    services.endorse_reply(post=answer, by=staff_member)
    services.accept_answer(post=answer, by=member)
    bulk_votes(answer, 8)
    services.cast_vote(post=answer, voter=staff_member)  # score 10: good answer (silver)

    for person in (member, other_member):
        person.refresh_from_db()
        tiers = Counter(badges.BY_SLUG[slug].tier for slug in held(person))
        assert (person.gold_badges, person.silver_badges, person.bronze_badges) == (
            tiers[badges.GOLD],
            tiers[badges.SILVER],
            tiers[badges.BRONZE],
        )
    assert (other_member.silver_badges, other_member.bronze_badges) == (1, 4)


def test_each_new_badge_is_announced_once_with_badge_awarded(answer, member, awarded):
    services.cast_vote(post=answer, voter=member)

    assert sorted(awarded) == [("alice", "supporter", None), ("bruno", "helpful", None)]


def test_a_badge_rolls_back_with_the_action_that_earned_it(question, other_member):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.post_reply(thread=question, author=other_member, body="Here is how.")
        raise RuntimeError("the request failed after the reply")

    assert held(other_member) == []
    other_member.refresh_from_db()
    assert other_member.bronze_badges == 0


def test_an_award_written_meanwhile_by_another_transaction_is_skipped_not_duplicated(member, other_member):
    BadgeAward.objects.create(member=other_member, badge="first-answer")  # the other transaction won the race
    racing = [BadgeAward(member=other_member, badge="first-answer"), BadgeAward(member=member, badge="first-answer")]

    written = badges._insert(racing)

    assert [(award.member, award.pk is not None) for award in written] == [(member, True)]
    assert BadgeAward.objects.filter(badge="first-answer").count() == 2


def test_announced_awards_carry_their_ids(answer, member):
    announced = []
    reputation_events.badge_awarded.connect(
        lambda sender, award, **kwargs: announced.append(award.pk), weak=False, dispatch_uid="test-badges-ids"
    )
    try:
        services.cast_vote(post=answer, voter=member)
    finally:
        reputation_events.badge_awarded.disconnect(dispatch_uid="test-badges-ids")

    assert len(announced) == 2
    assert set(announced) == set(
        BadgeAward.objects.filter(badge__in=["helpful", "supporter"]).values_list("pk", flat=True)
    )


# award_badges -----------------------------------------------------------------------------


@pytest.fixture
def history(question, answer, member, other_member):
    """Some badges earned, then every award lost and every counter zeroed."""
    services.cast_vote(post=answer, voter=member)
    services.accept_answer(post=answer, by=member)
    before = {m.username: held(m) for m in (member, other_member)}
    BadgeAward.objects.all().delete()
    Member.objects.update(gold_badges=0, silver_badges=0, bronze_badges=0)
    return before


def test_award_badges_backfills_lost_awards_and_their_counters(history, member, other_member, capsys):
    call_command("award_badges")

    assert {m.username: held(m) for m in (member, other_member)} == history
    assert history["bruno"] == ["first-answer", "helpful", "solver"]
    other_member.refresh_from_db()
    assert other_member.bronze_badges == 3
    assert "Awarded 4 badge(s)." in capsys.readouterr().out


def test_award_badges_for_one_badge_backfills_only_that_one(history, other_member):
    call_command("award_badges", "--badge", "solver")

    assert held(other_member) == ["solver"]
    other_member.refresh_from_db()
    assert other_member.bronze_badges == 1


def test_award_badges_run_twice_awards_nothing_the_second_time(history, capsys):
    call_command("award_badges")
    call_command("award_badges")

    assert capsys.readouterr().out.splitlines()[-1] == "Awarded 0 badge(s)."
    assert BadgeAward.objects.count() == 4


def test_award_badges_refuses_an_unknown_badge(db):
    with pytest.raises(CommandError, match="Unknown badge"):
        call_command("award_badges", "--badge", "unknown")
