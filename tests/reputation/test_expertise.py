"""Expertise rows: kept by the ledger through the real forum services, rebuilt from it, and
shown on the profile ("Knows about") only where the reader may look."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from forum import services
from forum.models import Visibility
from reputation import expertise
from reputation.ledger import earn
from reputation.models import CategoryExpertise, ReputationEntry, TagExpertise

Reason = ReputationEntry.Reason


def points(member) -> dict[str, int]:
    """The member's rows: "help" for a category, "help#wifi" for a tag in it."""
    found = {
        row.category.slug: row.points
        for row in CategoryExpertise.objects.filter(member=member).select_related("category")
    }
    for row in TagExpertise.objects.filter(member=member).select_related("category", "tag"):
        found[f"{row.category.slug}#{row.tag.name}"] = row.points
    return found


def assert_in_step_with_the_ledger():
    assert expertise.stored() == expertise.truth()
    call_command("rebuild_expertise", "--check")


@pytest.fixture
def question(make_thread, questions, member):
    """Alice asks about her wifi and her halo lamp; Bruno answers."""
    return make_thread(
        category=questions,
        author=member,
        title="My halo lamp drops off the wifi",
        tags=["wifi", "halo"],
    )


@pytest.fixture
def answer(question, other_member):
    return services.post_reply(thread=question, author=other_member, body="Move it closer to the router.")


# Each event, and its reversal ---------------------------------------------------------------------------


def test_a_helpful_vote_adds_to_the_category_and_each_tag_and_its_retraction_takes_it_back(answer, other_member, carol):
    services.cast_vote(post=answer, voter=carol)

    assert points(other_member) == {"help": 10, "help#wifi": 10, "help#halo": 10}

    services.retract_vote(post=answer, voter=carol)

    assert points(other_member) == {"help": 0, "help#wifi": 0, "help#halo": 0}
    assert_in_step_with_the_ledger()


def test_a_helpful_vote_on_a_thread_counts_for_its_author(question, member, carol):
    services.cast_vote(post=question.posts.get(is_opening=True), voter=carol)

    assert points(member) == {"help": 5, "help#wifi": 5, "help#halo": 5}
    assert_in_step_with_the_ledger()


def test_an_accepted_answer_counts_for_who_answered_and_clearing_it_takes_it_back(
    question, answer, member, other_member
):
    services.accept_answer(post=answer, by=member)

    assert points(other_member) == {"help": 15, "help#wifi": 15, "help#halo": 15}
    assert points(member) == {}  # accepting an answer is not answering

    services.clear_answer(thread=question, by=member)

    assert points(other_member) == {"help": 0, "help#wifi": 0, "help#halo": 0}
    assert_in_step_with_the_ledger()


def test_an_endorsement_counts_and_its_withdrawal_takes_it_back(answer, other_member, staff_member):
    services.endorse_reply(post=answer, by=staff_member)

    assert points(other_member) == {"help": 10, "help#wifi": 10, "help#halo": 10}

    services.withdraw_endorsement(post=answer, by=staff_member)

    assert points(other_member) == {"help": 0, "help#wifi": 0, "help#halo": 0}
    assert_in_step_with_the_ledger()


def test_an_untagged_thread_counts_in_its_category_only(make_thread, discussion, member, other_member, carol):
    thread = make_thread(category=discussion, author=member, replies=[(other_member, "Same here.")])
    reply = thread.posts.get(is_opening=False)

    services.cast_vote(post=reply, voter=carol)

    assert points(other_member) == {"general": 10}


def test_points_add_up_and_recency_is_the_latest_gain(answer, other_member, carol, dmitri, staff_member):
    services.cast_vote(post=answer, voter=carol)
    first = CategoryExpertise.objects.get(member=other_member).last_earned_at
    services.cast_vote(post=answer, voter=dmitri)
    services.endorse_reply(post=answer, by=staff_member)

    row = CategoryExpertise.objects.get(member=other_member)
    latest = ReputationEntry.objects.filter(member=other_member).latest("created_at", "id").created_at
    assert row.points == 30
    assert row.last_earned_at == latest > first
    assert TagExpertise.objects.get(member=other_member, tag__name="wifi").last_earned_at == latest


def test_a_reversal_never_takes_a_row_below_zero(answer, other_member, carol):
    services.cast_vote(post=answer, voter=carol)
    TagExpertise.objects.filter(member=other_member, tag__name="wifi").update(points=3)

    services.retract_vote(post=answer, voter=carol)

    assert points(other_member) == {"help": 0, "help#wifi": 0, "help#halo": 0}


def test_answering_your_own_question_and_official_responses_earn_no_expertise(
    question, member, other_member, staff_member
):
    own = services.post_reply(thread=question, author=member, body="Found it: a firmware update.")
    services.accept_answer(post=own, by=member)
    official = services.post_reply(thread=question, author=staff_member, body="Acme here: update the firmware.")
    services.cast_vote(post=official, voter=other_member)
    assert earn(member_id=member.pk, reason=Reason.REPLY_HELPFUL, post=own, actor=member) is None

    assert points(member) == {}
    assert points(staff_member) == {}


def test_idea_credits_are_not_expertise(idea, member, staff_member):
    from ideas import services as idea_services
    from ideas.models import Status

    idea_services.set_idea_status(thread=idea, by=staff_member, status=Status.PLANNED, note="On our roadmap.")

    assert ReputationEntry.objects.filter(member=member, reason=Reason.IDEA_PLANNED).exists()
    assert points(member) == {}


# A thread that changes place takes its points along -------------------------------------------------------


def test_a_retagged_thread_takes_its_points_from_the_removed_tags_to_the_added_ones(
    question, answer, member, other_member, carol
):
    services.cast_vote(post=answer, voter=carol)

    opening = question.posts.get(is_opening=True)
    services.edit_post(post=opening, editor=member, body=opening.body, tags=["halo", "mesh"])

    assert points(other_member) == {"help": 10, "help#halo": 10, "help#mesh": 10}
    assert_in_step_with_the_ledger()


def test_a_moved_thread_takes_its_points_to_its_new_category(
    question, answer, other_member, carol, discussion, moderator
):
    services.cast_vote(post=answer, voter=carol)

    services.move_thread(thread=question, by=moderator, category=discussion)

    assert points(other_member) == {"general": 10, "general#wifi": 10, "general#halo": 10}
    assert_in_step_with_the_ledger()


# The rebuild -----------------------------------------------------------------------------------------------


@pytest.fixture
def busy(question, answer, make_thread, discussion, member, other_member, carol, dmitri, staff_member):
    """A mix of events, some undone."""
    services.cast_vote(post=answer, voter=carol)
    services.cast_vote(post=answer, voter=dmitri)
    services.retract_vote(post=answer, voter=dmitri)
    services.accept_answer(post=answer, by=member)
    services.endorse_reply(post=answer, by=staff_member)
    chat = make_thread(category=discussion, author=carol, tags=["halo"], replies=[(other_member, "Nice lamp.")])
    reply = chat.posts.get(is_opening=False)
    services.cast_vote(post=reply, voter=member)
    services.cast_vote(post=chat.posts.get(is_opening=True), voter=dmitri)
    services.endorse_reply(post=reply, by=staff_member)
    services.withdraw_endorsement(post=reply, by=staff_member)
    return chat


def test_the_rebuild_finds_the_rows_the_events_kept(busy, other_member, carol):
    assert points(other_member) == {"help": 35, "help#wifi": 35, "help#halo": 35, "general": 10, "general#halo": 10}
    assert points(carol) == {"general": 5, "general#halo": 5}
    before = expertise.stored()

    call_command("rebuild_expertise")

    assert expertise.stored() == before == expertise.truth()


def test_the_check_reports_a_row_changed_by_hand_and_the_rebuild_repairs_it(busy, other_member, capsys):
    TagExpertise.objects.filter(member=other_member, tag__name="wifi").update(points=99)
    CategoryExpertise.objects.filter(member=other_member, category__slug="general").delete()

    with pytest.raises(SystemExit) as exit_:
        call_command("rebuild_expertise", "--check")

    assert exit_.value.code == 1
    assert "99 points" in capsys.readouterr().out
    assert TagExpertise.objects.get(member=other_member, tag__name="wifi").points == 99  # --check changes nothing

    call_command("rebuild_expertise")

    assert points(other_member)["help#wifi"] == 35
    assert points(other_member)["general"] == 10
    assert_in_step_with_the_ledger()


# The profile ----------------------------------------------------------------------------------------------


def knows_about(client, member) -> list[str]:
    """The tags the profile's "Knows about" names, in order, and checks that each links to its page."""
    html = client.get(reverse("profiles:profile", args=[member.username])).content.decode()
    found = re.search(r'<p class="profile-expertise">(.*?)</p>', html, re.S)
    if found is None:
        return []
    links = re.findall(r'<a class="tag" href="([^"]+)">#([^<]+)</a>', found.group(1))
    for href, name in links:
        assert href == reverse("forum:tag", args=[name])
    return [name for _, name in links]


@pytest.fixture
def expert(make_member, make_thread, questions, staff_questions, member, carol, dmitri, staff_member, moderator):
    """Moderator Mona answers in public under six tags, with different points, and in the staff room under #vault."""
    mona = moderator
    for tag, voters in (("wifi", 3), ("halo", 1), ("mesh", 2), ("zigbee", 0), ("bulbs", 5), ("router", 4)):
        thread = make_thread(category=questions, author=member, tags=[tag], replies=[(mona, "Try this.")])
        reply = thread.posts.get(is_opening=False)
        for i in range(voters):
            services.cast_vote(post=reply, voter=make_member(f"{tag}-voter{i}"))
    vault = make_thread(
        category=staff_questions, author=staff_member, tags=["vault", "wifi"], replies=[(mona, "Here.")]
    )
    for voter in (staff_member, make_member(staff=True, title="Acme"), make_member(staff=True, title="Acme")):
        services.cast_vote(post=vault.posts.get(is_opening=False), voter=voter)
    return mona


def test_the_profile_says_what_the_member_knows_about_best_first(client, expert):
    assert knows_about(client, expert) == ["bulbs", "router", "wifi", "mesh", "halo"]


def test_a_tag_used_only_in_a_staff_only_category_never_shows_to_a_visitor_or_a_member(client, expert, member):
    assert "vault" not in knows_about(client, expert)

    client.force_login(member)
    assert knows_about(client, expert) == ["bulbs", "router", "wifi", "mesh", "halo"]


def test_staff_see_the_points_earned_in_staff_only_categories(client, expert, staff_member):
    client.force_login(staff_member)

    # wifi: 30 public and 30 in the staff room; vault: 30.
    assert knows_about(client, expert) == ["wifi", "bulbs", "router", "vault", "mesh"]


def test_a_thread_moved_to_a_staff_only_category_takes_its_tag_off_the_profile(
    client, question, answer, other_member, carol, staff_questions, moderator
):
    services.cast_vote(post=answer, voter=carol)
    assert knows_about(client, other_member) == ["halo", "wifi"]

    services.move_thread(thread=question, by=moderator, category=staff_questions)

    assert knows_about(client, other_member) == []


def test_a_tag_found_only_on_a_hidden_thread_is_not_named(client, question, answer, other_member, carol, moderator):
    services.cast_vote(post=answer, voter=carol)

    services.set_post_visibility(post=question.posts.get(is_opening=True), by=moderator, visibility=Visibility.HIDDEN)

    assert points(other_member)["help#wifi"] == 10  # the ledger keeps the points; the page names no tag
    assert knows_about(client, other_member) == []


def test_a_member_with_no_expertise_has_no_knows_about(client, member):
    assert knows_about(client, member) == []


def test_knows_about_is_french_in_french(client, expert):
    client.cookies["django_language"] = "fr"

    html = client.get(reverse("profiles:profile", args=[expert.username])).content.decode()

    assert "S’y connaît en\u00a0:" in html


def test_the_summary_stays_within_its_query_pin(client, expert, member, django_assert_max_num_queries):
    client.force_login(member)

    with django_assert_max_num_queries(20):
        response = client.get(reverse("profiles:profile", args=[expert.username]))

    assert response.status_code == 200
