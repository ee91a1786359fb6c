"""The reputation ledger: every rule and its reversal, through the real forum services."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import transaction

from forum import services
from forum.models import Category
from profiles.models import Member
from reputation.ledger import POINTS, earn, ledger_total
from reputation.models import ReputationEntry

Reason = ReputationEntry.Reason


@pytest.fixture
def questions(db):
    return Category.objects.create(slug="help", name="Help", kind=Category.Kind.QUESTIONS)


@pytest.fixture
def discussion(db):
    return Category.objects.create(slug="general", name="General")


@pytest.fixture
def question(questions, member):
    """Alice asks a question."""
    return services.start_thread(category=questions, author=member, title="How do I reset my router?", body="Help!")


@pytest.fixture
def answer(question, other_member):
    """Bruno answers Alice's question."""
    return services.post_reply(thread=question, author=other_member, body="Hold the button for ten seconds.")


def rep(member) -> int:
    return Member.objects.get(pk=member.pk).reputation


def ledger(member) -> list[tuple[str, int]]:
    """The member's ledger, oldest first, as (reason, amount)."""
    return list(ReputationEntry.objects.filter(member=member).order_by("id").values_list("reason", "amount"))


def assert_in_step(*members):
    """Each member's cached total is the sum of their ledger."""
    for member in members:
        assert rep(member) == ledger_total(member.pk), member.username


# The rules, one by one --------------------------------------------------------------------


def test_the_points_for_each_rule_are_declared_in_one_place():
    assert POINTS == {
        Reason.REPLY_HELPFUL: 10,
        Reason.THREAD_HELPFUL: 5,
        Reason.ANSWER_ACCEPTED: 15,
        Reason.ACCEPTED_ANSWER: 2,
        Reason.REPLY_ENDORSED: 10,
        Reason.IDEA_PLANNED: 10,
        Reason.IDEA_DONE: 15,
    }


def test_a_vote_on_a_reply_earns_its_author_ten_and_retracting_it_takes_them_back(answer, other_member, make_member):
    voter = make_member()

    services.cast_vote(post=answer, voter=voter)
    assert rep(other_member) == 10
    assert ledger(other_member) == [(Reason.REPLY_HELPFUL, 10)]

    services.retract_vote(post=answer, voter=voter)
    assert rep(other_member) == 0
    assert ledger(other_member) == [(Reason.REPLY_HELPFUL, 10), (Reason.REPLY_HELPFUL, -10)]
    assert rep(voter) == 0


def test_a_vote_on_a_thread_earns_its_author_five_and_retracting_it_takes_them_back(question, member, other_member):
    opening = question.posts.get(is_opening=True)

    services.cast_vote(post=opening, voter=other_member)
    assert rep(member) == 5
    assert ledger(member) == [(Reason.THREAD_HELPFUL, 5)]

    services.retract_vote(post=opening, voter=other_member)
    assert rep(member) == 0
    assert ledger(member) == [(Reason.THREAD_HELPFUL, 5), (Reason.THREAD_HELPFUL, -5)]


def test_each_voter_counts_once_and_retracting_takes_back_only_that_voters_points(answer, other_member, make_member):
    first, second = make_member(), make_member()
    services.cast_vote(post=answer, voter=first)
    services.cast_vote(post=answer, voter=second)
    services.cast_vote(post=answer, voter=first)  # already voted: nothing more

    assert rep(other_member) == 20

    services.retract_vote(post=answer, voter=first)
    reversal = ReputationEntry.objects.get(member=other_member, amount=-10)
    assert reversal.reverses.actor == first
    assert rep(other_member) == 10


def test_the_asker_accepting_an_answer_earns_the_answerer_fifteen_and_the_asker_two(
    question, answer, member, other_member
):
    services.accept_answer(post=answer, by=member)

    assert rep(other_member) == 15
    assert ledger(other_member) == [(Reason.ANSWER_ACCEPTED, 15)]
    assert rep(member) == 2
    assert ledger(member) == [(Reason.ACCEPTED_ANSWER, 2)]


@pytest.mark.parametrize("chooser", ["staff_member", "moderator"])
def test_staff_or_a_moderator_accepting_an_answer_earns_the_answerer_fifteen_and_the_asker_nothing(
    request, chooser, answer, member, other_member
):
    by = request.getfixturevalue(chooser)

    services.accept_answer(post=answer, by=by)

    assert rep(other_member) == 15
    assert rep(member) == 0
    assert ledger(member) == []
    assert rep(by) == 0


def test_accepting_your_own_reply_on_your_own_thread_earns_nothing(question, member):
    own = services.post_reply(thread=question, author=member, body="Found it myself: hold the button.")

    services.accept_answer(post=own, by=member)

    question.refresh_from_db()
    assert question.accepted_answer == own
    assert rep(member) == 0
    assert ReputationEntry.objects.count() == 0


def test_clearing_the_answer_takes_back_both_gains(question, answer, member, other_member):
    services.accept_answer(post=answer, by=member)

    services.clear_answer(thread=question, by=member)

    assert rep(other_member) == 0
    assert rep(member) == 0
    assert ledger(other_member) == [(Reason.ANSWER_ACCEPTED, 15), (Reason.ANSWER_ACCEPTED, -15)]
    assert ledger(member) == [(Reason.ACCEPTED_ANSWER, 2), (Reason.ACCEPTED_ANSWER, -2)]


def test_staff_clearing_an_answer_the_asker_accepted_takes_back_the_askers_two_as_well(
    question, answer, member, other_member, staff_member
):
    services.accept_answer(post=answer, by=member)

    services.clear_answer(thread=question, by=staff_member)

    assert rep(other_member) == 0
    assert rep(member) == 0
    assert_in_step(member, other_member, staff_member)


def test_replacing_the_answer_takes_back_the_old_answerers_points_and_credits_the_new_one(
    question, answer, member, other_member, make_member
):
    carla = make_member("carla")
    better = services.post_reply(thread=question, author=carla, body="Or update the firmware first.")
    services.accept_answer(post=answer, by=member)

    services.accept_answer(post=better, by=member)

    assert rep(other_member) == 0
    assert rep(carla) == 15
    assert rep(member) == 2  # -2 for the old answer, +2 for the new one
    assert ledger(member) == [
        (Reason.ACCEPTED_ANSWER, 2),
        (Reason.ACCEPTED_ANSWER, -2),
        (Reason.ACCEPTED_ANSWER, 2),
    ]
    assert_in_step(member, other_member, carla)


def test_accepting_the_same_answer_twice_earns_once(answer, member, other_member):
    services.accept_answer(post=answer, by=member)
    services.accept_answer(post=answer, by=member)

    assert rep(other_member) == 15
    assert rep(member) == 2


def test_staff_endorsing_a_reply_earns_its_author_ten_and_withdrawing_takes_them_back(
    answer, other_member, staff_member
):
    services.endorse_reply(post=answer, by=staff_member)
    assert rep(other_member) == 10
    assert ledger(other_member) == [(Reason.REPLY_ENDORSED, 10)]

    services.withdraw_endorsement(post=answer, by=staff_member)
    assert rep(other_member) == 0
    assert ledger(other_member) == [(Reason.REPLY_ENDORSED, 10), (Reason.REPLY_ENDORSED, -10)]
    assert rep(staff_member) == 0


def test_official_staff_replies_earn_nothing_from_votes_acceptance_or_endorsement(
    question, member, other_member, staff_member, make_member
):
    official = services.post_reply(thread=question, author=staff_member, body="Acme here: hold the button.")
    assert official.is_official

    services.cast_vote(post=official, voter=other_member)
    services.accept_answer(post=official, by=member)
    with pytest.raises(PermissionDenied):
        services.endorse_reply(post=official, by=make_member(staff=True, title="Acme Support"))

    assert rep(staff_member) == 0
    assert ledger(staff_member) == []
    assert rep(member) == 2  # the asker still chose an answer to their own thread


def test_votes_on_a_thread_started_by_staff_earn_them_nothing(questions, staff_member, other_member):
    thread = services.start_thread(category=questions, author=staff_member, title="Release notes", body="News.")

    services.cast_vote(post=thread.posts.get(is_opening=True), voter=other_member)

    assert rep(staff_member) == 0
    assert ledger(staff_member) == []


def test_nobody_earns_from_their_own_actions_on_their_own_posts(answer, other_member):
    with pytest.raises(PermissionDenied):
        services.cast_vote(post=answer, voter=other_member)

    gain = earn(member_id=other_member.pk, reason=Reason.REPLY_HELPFUL, post=answer, actor=other_member)

    assert gain is None
    assert rep(other_member) == 0
    assert ledger(other_member) == []


def test_retracting_a_vote_that_earned_nothing_writes_no_reversal(question, staff_member, other_member):
    official = services.post_reply(thread=question, author=staff_member, body="Official answer.")
    services.cast_vote(post=official, voter=other_member)

    services.retract_vote(post=official, voter=other_member)

    assert ReputationEntry.objects.count() == 0


# The ledger itself ------------------------------------------------------------------------


def test_a_gain_records_its_post_category_and_actor(questions, answer, other_member, make_member):
    voter = make_member()

    services.cast_vote(post=answer, voter=voter)

    entry = ReputationEntry.objects.get(member=other_member)
    assert (entry.post, entry.category, entry.actor, entry.reverses) == (answer, questions, voter, None)
    assert not entry.is_reversal


def test_a_reversal_points_at_the_gain_it_undoes(answer, member, other_member, make_member):
    voter = make_member()
    services.cast_vote(post=answer, voter=voter)
    services.accept_answer(post=answer, by=member)

    services.retract_vote(post=answer, voter=voter)
    services.clear_answer(thread=answer.thread, by=member)

    for reversal in ReputationEntry.objects.filter(amount__lt=0):
        gain = reversal.reverses
        assert reversal.is_reversal
        assert (gain.member_id, gain.reason, gain.post_id, gain.amount) == (
            reversal.member_id,
            reversal.reason,
            reversal.post_id,
            -reversal.amount,
        )
        assert gain.reversed_by == reversal
    assert ReputationEntry.objects.filter(amount__lt=0).count() == 3


def test_a_vote_cast_again_after_a_retraction_earns_again_and_the_next_retraction_undoes_the_new_gain(
    answer, other_member, make_member
):
    voter = make_member()
    services.cast_vote(post=answer, voter=voter)
    services.retract_vote(post=answer, voter=voter)
    services.cast_vote(post=answer, voter=voter)
    assert rep(other_member) == 10

    services.retract_vote(post=answer, voter=voter)

    gains = ReputationEntry.objects.filter(member=other_member, amount=10).order_by("id")
    assert [gain.reversed_by.amount for gain in gains] == [-10, -10]
    assert rep(other_member) == 0


def test_the_total_equals_the_ledger_after_every_step_of_a_busy_thread(
    question, answer, member, other_member, staff_member, moderator, make_member
):
    carla, dan = make_member("carla"), make_member("dan")
    second = services.post_reply(thread=question, author=carla, body="Try a factory reset.")
    opening = question.posts.get(is_opening=True)
    everyone = (member, other_member, staff_member, moderator, carla, dan)
    steps = [
        lambda: services.cast_vote(post=answer, voter=carla),
        lambda: services.cast_vote(post=answer, voter=dan),
        lambda: services.cast_vote(post=opening, voter=dan),
        lambda: services.cast_vote(post=second, voter=other_member),
        lambda: services.accept_answer(post=answer, by=member),
        lambda: services.endorse_reply(post=second, by=staff_member),
        lambda: services.accept_answer(post=second, by=moderator),
        lambda: services.retract_vote(post=answer, voter=dan),
        lambda: services.withdraw_endorsement(post=second, by=staff_member),
        lambda: services.clear_answer(thread=question, by=member),
        lambda: services.retract_vote(post=opening, voter=dan),
    ]
    for step in steps:
        step()
        assert_in_step(*everyone)

    assert rep(other_member) == 10  # carla's vote is still there
    assert rep(carla) == 10  # bruno's vote is still there
    assert rep(member) == 0


def test_reputation_never_goes_below_zero(answer, other_member, make_member):
    voter = make_member()
    services.cast_vote(post=answer, voter=voter)
    Member.objects.filter(pk=other_member.pk).update(reputation=3)  # out of step, say after a bad import

    services.retract_vote(post=answer, voter=voter)

    assert rep(other_member) == 0
    assert ledger_total(other_member.pk) == 0


def test_points_roll_back_with_the_action_that_earned_them(answer, other_member, make_member):
    voter = make_member()

    with pytest.raises(RuntimeError), transaction.atomic():
        services.cast_vote(post=answer, voter=voter)
        raise RuntimeError("the request failed after the vote")

    assert rep(other_member) == 0
    assert ReputationEntry.objects.count() == 0


# recompute_reputation ---------------------------------------------------------------------


@pytest.fixture
def tampered(answer, member, other_member):
    """Bruno's answer accepted (15 in the ledger), then his total changed behind the ledger's back."""
    services.accept_answer(post=answer, by=member)
    Member.objects.filter(pk=other_member.pk).update(reputation=999)
    return other_member


def test_recompute_reputation_check_exits_1_and_names_the_member_out_of_step(tampered, member, capsys):
    with pytest.raises(SystemExit) as exit:
        call_command("recompute_reputation", "--check")

    assert exit.value.code == 1
    output = capsys.readouterr()
    assert "bruno: profile says 999, ledger says 15" in output.out
    assert "alice" not in output.out
    assert "1 member(s) differ" in output.err
    assert rep(tampered) == 999  # --check changes nothing


def test_recompute_reputation_repairs_the_total_from_the_ledger(tampered, capsys):
    call_command("recompute_reputation")

    assert rep(tampered) == 15
    assert "Repaired 1 member(s)." in capsys.readouterr().out
    call_command("recompute_reputation", "--check")  # no SystemExit: everything matches now


def test_recompute_reputation_check_passes_when_every_total_matches(answer, member, capsys):
    services.accept_answer(post=answer, by=member)

    call_command("recompute_reputation", "--check")

    assert "Every reputation matches its ledger." in capsys.readouterr().out
