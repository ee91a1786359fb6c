"""Reputation and badges for ideas: the author's credits when the brand plans and delivers
their idea (and their reversal), the three idea badges, and the commands that recompute both,
all through the real ideas services."""

import re

import pytest
from django.core.management import call_command
from django.db import transaction

from ideas.models import Status
from ideas.services import merge_idea, set_idea_status, vote_for_idea, withdraw_idea_vote
from notifications.models import Kind, Notification
from profiles.models import Member
from reputation import badges
from reputation.ledger import POINTS
from reputation.models import BadgeAward, ReputationEntry
from tests.reputation.test_reputation import assert_in_step, ledger, rep

Reason = ReputationEntry.Reason
NOTE = "Thanks: this is what we decided and why."
PLANNED, DONE = POINTS[Reason.IDEA_PLANNED], POINTS[Reason.IDEA_DONE]


def move(idea, *statuses, by):
    for status in statuses:
        set_idea_status(thread=idea, by=by, status=status, note=NOTE)


def has(member, slug) -> bool:
    return BadgeAward.objects.filter(member=member, badge=slug).exists()


# The credits ------------------------------------------------------------------------------


def test_the_idea_points_are_declared_with_the_others():
    # Planned: as much as an endorsed reply; delivered: as much as an accepted answer.
    assert (PLANNED, DONE) == (POINTS[Reason.REPLY_ENDORSED], POINTS[Reason.ANSWER_ACCEPTED]) == (10, 15)


def test_the_author_gains_when_the_idea_is_planned_and_again_when_it_is_done(idea, member, staff_member):
    move(idea, Status.UNDER_REVIEW, by=staff_member)
    assert rep(member) == 0

    move(idea, Status.PLANNED, by=staff_member)
    assert ledger(member) == [(Reason.IDEA_PLANNED, PLANNED)]

    move(idea, Status.IN_PROGRESS, Status.DONE, by=staff_member)
    assert ledger(member) == [(Reason.IDEA_PLANNED, PLANNED), (Reason.IDEA_DONE, DONE)]
    assert rep(member) == 25
    assert rep(staff_member) == 0
    assert_in_step(member, staff_member)


def test_a_credit_records_the_ideas_opening_post_its_category_and_who_set_the_status(
    idea, ideas_category, member, staff_member
):
    move(idea, Status.PLANNED, by=staff_member)

    entry = ReputationEntry.objects.get(member=member)
    assert (entry.post, entry.category, entry.actor) == (idea.posts.get(is_opening=True), ideas_category, staff_member)


def test_an_idea_done_straight_from_new_earns_both_credits_once(idea, member, staff_member):
    move(idea, Status.DONE, by=staff_member)

    assert ledger(member) == [(Reason.IDEA_PLANNED, PLANNED), (Reason.IDEA_DONE, DONE)]


def test_moving_back_takes_back_each_credit_the_status_no_longer_holds(idea, member, staff_member):
    move(idea, Status.DONE, by=staff_member)

    move(idea, Status.IN_PROGRESS, by=staff_member)  # reopened: still planned, no longer done
    assert rep(member) == PLANNED

    move(idea, Status.UNDER_REVIEW, by=staff_member)
    assert rep(member) == 0
    assert ledger(member) == [
        (Reason.IDEA_PLANNED, PLANNED),
        (Reason.IDEA_DONE, DONE),
        (Reason.IDEA_DONE, -DONE),
        (Reason.IDEA_PLANNED, -PLANNED),
    ]
    for reversal in ReputationEntry.objects.filter(amount__lt=0):
        assert (reversal.reverses.reason, reversal.reverses.amount) == (reversal.reason, -reversal.amount)
    assert_in_step(member)


def test_declining_a_planned_idea_takes_the_credit_back(idea, member, staff_member):
    move(idea, Status.PLANNED, Status.DECLINED, by=staff_member)

    assert rep(member) == 0
    assert ledger(member) == [(Reason.IDEA_PLANNED, PLANNED), (Reason.IDEA_PLANNED, -PLANNED)]


def test_moves_between_planned_statuses_never_credit_twice(idea, member, staff_member, make_member):
    other_staff = make_member(staff=True, title="Acme Product")
    move(idea, Status.PLANNED, Status.IN_PROGRESS, by=staff_member)
    move(idea, Status.PLANNED, Status.IN_PROGRESS, by=other_staff)

    assert ledger(member) == [(Reason.IDEA_PLANNED, PLANNED)]


def test_planned_again_after_moving_back_earns_again_once(idea, member, staff_member):
    move(idea, Status.PLANNED, Status.UNDER_REVIEW, Status.PLANNED, by=staff_member)

    assert rep(member) == PLANNED
    gains = ReputationEntry.objects.filter(member=member, amount__gt=0).order_by("id")
    assert [hasattr(gain, "reversed_by") for gain in gains] == [True, False]


def test_an_idea_proposed_by_brand_staff_earns_them_nothing(make_thread, ideas_category, staff_member, make_member):
    own = make_thread(category=ideas_category, author=staff_member, title="Our own roadmap idea")

    move(own, Status.DONE, by=make_member(staff=True, title="Acme Product"))

    assert ledger(staff_member) == []
    assert not has(staff_member, "visionary")


def test_an_author_who_sets_the_status_of_their_own_idea_earns_nothing_for_that_change(idea, member, staff_member):
    """Alice proposed the idea as a member and joined the brand's team since."""
    Member.objects.filter(pk=member.pk).update(is_brand_staff=True)
    member.refresh_from_db()

    move(idea, Status.PLANNED, by=member)
    move(idea, Status.IN_PROGRESS, by=staff_member)  # not a new credit: planned was already entered
    assert ledger(member) == []
    assert not has(member, "visionary")

    move(idea, Status.DONE, by=staff_member)  # someone else delivered it
    assert ledger(member) == [(Reason.IDEA_DONE, DONE)]


def test_credits_roll_back_with_the_status_change(idea, member, staff_member):
    with pytest.raises(RuntimeError), transaction.atomic():
        move(idea, Status.DONE, by=staff_member)
        raise RuntimeError("the request failed after the status change")

    assert rep(member) == 0
    assert ReputationEntry.objects.count() == 0
    assert not has(member, "visionary")


def test_merging_a_planned_idea_into_another_takes_its_credit_back(
    idea, make_thread, ideas_category, member, other_member, staff_member
):
    original = make_thread(category=ideas_category, author=other_member, title="Lights that follow the sun")
    move(idea, Status.PLANNED, by=staff_member)

    merge_idea(duplicate=idea, into=original, by=staff_member)

    assert rep(member) == 0
    assert ledger(member) == [(Reason.IDEA_PLANNED, PLANNED), (Reason.IDEA_PLANNED, -PLANNED)]
    assert has(member, "visionary")  # a badge once earned stays


# Staff-only ideas: the points count, the leaderboard shows them only to who may read them --


@pytest.fixture
def staff_only_idea(make_thread, staff_ideas, moderator, staff_member):
    """Marc (a moderator, who reads staff areas) proposed an idea there; the brand planned it."""
    thread = make_thread(category=staff_ideas, author=moderator, title="A quieter moderation queue")
    move(thread, Status.PLANNED, by=staff_member)
    return thread


@pytest.mark.parametrize(("viewer", "listed"), [(None, False), ("member", False), ("staff_member", True)])
def test_credits_on_a_staff_only_idea_follow_the_policy_for_staff_only_categories(
    client, request, staff_only_idea, staff_ideas, moderator, viewer, listed
):
    if viewer:
        client.force_login(request.getfixturevalue(viewer))

    response = client.get("/leaderboard/", {"period": "7"})

    assert rep(moderator) == PLANNED  # the total counts it, as for any staff-only post
    assert ReputationEntry.objects.get(member=moderator).category == staff_ideas
    standings = [(s.member.username, s.points) for s in response.context["advocates"]]
    assert standings == ([("marc", PLANNED)] if listed else [])


def test_a_staff_only_idea_shows_its_points_on_the_profile_without_its_title(client, staff_only_idea, moderator):
    html = client.get(f"/u/{moderator.username}/", {"tab": "reputation"}).content.decode()

    assert f'<td class="ledger-points">+{PLANNED}</td>' in html
    assert "in a private category" in html
    assert "A quieter moderation queue" not in html


# The pages --------------------------------------------------------------------------------


def test_idea_credits_reach_the_leaderboard_and_the_profile(client, idea, member, staff_member):
    move(idea, Status.PLANNED, Status.DONE, by=staff_member)

    board = client.get("/leaderboard/", {"period": "7", "category": "ideas"})
    assert [(s.member.username, s.points) for s in board.context["advocates"]] == [("alice", 25)]

    html = client.get(f"/u/{member.username}/", {"tab": "reputation"}).content.decode()
    points = re.findall(r'<td class="ledger-points">([+-]\d+)</td>', html)
    assert sorted(points) == ["+10", "+15"]
    assert f'href="{idea.posts.get(is_opening=True).get_absolute_url()}"' in html
    assert "25 reputation points" in html


# The badges -------------------------------------------------------------------------------


@pytest.fixture
def awarded():
    """Every badge_awarded event sent during the test, as (username, badge slug, post id)."""
    from reputation import events

    sent = []

    def receive(sender, award, badge, **kwargs):
        sent.append((award.member.username, badge.slug, award.post_id))

    events.badge_awarded.connect(receive, weak=False, dispatch_uid="test-idea-badges-recorder")
    yield sent
    events.badge_awarded.disconnect(dispatch_uid="test-idea-badges-recorder")


def test_the_idea_badges_are_in_the_catalogue_with_their_thresholds():
    assert badges.BY_SLUG["visionary"].tier == badges.BRONZE
    assert badges.BY_SLUG["crowd-favourite"].tier == badges.SILVER
    assert badges.BY_SLUG["crowd-favourite"].per_post
    assert str(badges.POPULAR_IDEA_VOTES) in str(badges.BY_SLUG["crowd-favourite"].description)
    assert str(badges.IDEAS_BACKED) in str(badges.BY_SLUG["voice-of-the-community"].description)


def test_visionary_is_earned_when_an_idea_is_planned_and_stays_when_it_moves_back(idea, member, staff_member, awarded):
    move(idea, Status.UNDER_REVIEW, by=staff_member)
    assert not has(member, "visionary")

    move(idea, Status.PLANNED, Status.UNDER_REVIEW, Status.PLANNED, by=staff_member)

    assert awarded == [("alice", "visionary", None)]
    assert has(member, "visionary")
    assert Notification.objects.filter(recipient=member, kind=Kind.BADGE, data__badge="visionary").count() == 1
    member.refresh_from_db()
    assert member.bronze_badges == 1


def test_visionary_is_earned_by_an_idea_done_straight_away(idea, member, staff_member):
    move(idea, Status.DONE, by=staff_member)

    assert has(member, "visionary")


def test_crowd_favourite_is_earned_once_per_idea_by_votes_from_fifty_other_members(
    idea, make_thread, ideas_category, member, make_member, awarded
):
    vote_for_idea(thread=idea, member=member)  # the author's own vote does not count
    voters = [make_member() for _ in range(badges.POPULAR_IDEA_VOTES)]
    for voter in voters[:-1]:
        vote_for_idea(thread=idea, member=voter)
    assert not has(member, "crowd-favourite")

    vote_for_idea(thread=idea, member=voters[-1])
    withdraw_idea_vote(thread=idea, member=voters[-1])
    vote_for_idea(thread=idea, member=voters[-1])

    opening = idea.posts.get(is_opening=True)
    assert [a for a in awarded if a[1] == "crowd-favourite"] == [("alice", "crowd-favourite", opening.pk)]
    member.refresh_from_db()
    assert member.silver_badges == 1
    assert Notification.objects.filter(recipient=member, kind=Kind.BADGE, data__badge="crowd-favourite").exists()


def test_voice_of_the_community_is_earned_by_votes_on_ten_different_ideas(
    settings, make_thread, ideas_category, member, other_member
):
    settings.IDEA_VOTES_PER_MEMBER = 0
    ideas = [make_thread(category=ideas_category, author=member) for _ in range(badges.IDEAS_BACKED)]
    for thread in ideas[:-1]:
        vote_for_idea(thread=thread, member=other_member)
    withdraw_idea_vote(thread=ideas[0], member=other_member)
    vote_for_idea(thread=ideas[-1], member=other_member)  # 9 votes standing: a withdrawn vote no longer counts
    assert not has(other_member, "voice-of-the-community")

    vote_for_idea(thread=ideas[0], member=other_member)
    assert has(other_member, "voice-of-the-community")

    withdraw_idea_vote(thread=ideas[1], member=other_member)
    assert has(other_member, "voice-of-the-community")  # earned once, kept


# recompute_reputation and award_badges ----------------------------------------------------


@pytest.fixture
def history(make_thread, ideas_category, member, other_member, carol, staff_member):
    """Ideas in every kind of state: done, reopened, planned twice, declined, and one whose
    author (since on the brand's team) planned it themselves."""
    done, reopened, twice, declined = (
        make_thread(category=ideas_category, author=author, title=f"Idea {n}")
        for n, author in enumerate((member, member, other_member, other_member))
    )
    move(done, Status.PLANNED, Status.DONE, by=staff_member)
    move(reopened, Status.DONE, Status.IN_PROGRESS, by=staff_member)
    move(twice, Status.PLANNED, Status.UNDER_REVIEW, Status.PLANNED, by=staff_member)
    move(declined, Status.PLANNED, Status.DECLINED, by=staff_member)
    own = make_thread(category=ideas_category, author=carol, title="Carol's idea")
    Member.objects.filter(pk=carol.pk).update(is_brand_staff=True)  # she joined the brand's team since
    move(own, Status.PLANNED, by=Member.objects.get(pk=carol.pk))
    people = (member, other_member, carol, staff_member)
    return {person.username: rep(person) for person in people}


def totals(*people) -> dict[str, int]:
    return {person.username: rep(person) for person in people}


def test_history_totals_are_those_of_the_rules(history):
    assert history == {"alice": 25 + 10, "bruno": 10, "carol": 0, "sophie": 0}


def test_recompute_reputation_check_passes_when_the_ledger_matches_the_ideas(history, capsys):
    call_command("recompute_reputation", "--check")

    assert "Every reputation matches its ledger." in capsys.readouterr().out


def test_recompute_reputation_rebuilds_lost_idea_credits_to_the_same_totals(
    history, member, other_member, carol, staff_member, capsys
):
    ReputationEntry.objects.all().delete()
    Member.objects.update(reputation=0)

    with pytest.raises(SystemExit):
        call_command("recompute_reputation", "--check")
    assert "alice: idea_planned +10 owed by the idea “Idea 0”, not in the ledger" in capsys.readouterr().out

    call_command("recompute_reputation")

    assert totals(member, other_member, carol, staff_member) == history
    assert_in_step(member, other_member, carol, staff_member)
    assert "Settled 4 idea credit(s)." in capsys.readouterr().out
    rebuilt = ReputationEntry.objects.get(member=other_member)
    assert rebuilt.actor == staff_member and rebuilt.category.slug == "ideas"
    call_command("recompute_reputation", "--check")  # in step now: no SystemExit


def test_recompute_reputation_takes_back_a_credit_no_idea_owes(history, idea, member, capsys):
    opening = idea.posts.get(is_opening=True)
    ReputationEntry.objects.create(
        member=member, reason=Reason.IDEA_DONE, amount=DONE, post=opening, category=opening.thread.category
    )

    call_command("recompute_reputation")

    assert rep(member) == history["alice"]
    assert_in_step(member)
    output = capsys.readouterr().out
    assert "alice: idea_done +15 in the ledger, no longer owed by the idea “Let scenes follow the sunset”" in output
    assert "Settled 1 idea credit(s)." in output


def test_recompute_reputation_run_twice_changes_nothing_the_second_time(history, capsys):
    ReputationEntry.objects.filter(reason=Reason.IDEA_DONE).delete()
    call_command("recompute_reputation")
    count = ReputationEntry.objects.count()

    call_command("recompute_reputation")

    assert ReputationEntry.objects.count() == count
    assert capsys.readouterr().out.splitlines()[-1] == "Every reputation matches its ledger."


def test_award_badges_backfills_the_idea_badges_from_the_ideas_and_votes(
    settings, history, make_thread, ideas_category, member, other_member, carol, make_member
):
    settings.IDEA_VOTES_PER_MEMBER = 0
    for thread in [make_thread(category=ideas_category, author=member) for _ in range(badges.IDEAS_BACKED)]:
        vote_for_idea(thread=thread, member=other_member)
    popular = make_thread(category=ideas_category, author=member, title="Scenes for every season")
    for _ in range(badges.POPULAR_IDEA_VOTES):
        vote_for_idea(thread=popular, member=make_member())
    slugs = ["visionary", "crowd-favourite", "voice-of-the-community"]
    before = sorted(BadgeAward.objects.filter(badge__in=slugs).values_list("member__username", "badge", "post"))
    assert [(name, slug) for name, slug, _post in before] == [
        ("alice", "crowd-favourite"),
        ("alice", "visionary"),
        ("bruno", "visionary"),
        ("bruno", "voice-of-the-community"),
    ]
    BadgeAward.objects.all().delete()

    call_command("award_badges")

    assert sorted(BadgeAward.objects.filter(badge__in=slugs).values_list("member__username", "badge", "post")) == before
    assert not has(carol, "visionary")
