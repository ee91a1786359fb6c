"""Who is invited to answer a question: the members who know its tags best, active lately, and
only those who may and want to be asked (answering.invitees.choose_invitees).

Expertise rows are written here as the ledger would leave them (points and the time of the
latest gain), so that each test says exactly who knows what; tests/answering/test_invitations.py
goes through the real forum services end to end.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from taggit.models import Tag

from answering.invitees import choose_invitees
from answering.models import AnsweringPreference, Invitation
from forum import services
from forum.models import Category
from profiles.models import Member
from reputation.models import CategoryExpertise, TagExpertise

pytestmark = pytest.mark.django_db

EXPERTS = 10


def know(member, category, points, *, tags=(), days_ago=1, now=None):
    """`member` earned `points` in `category` (and under each of `tags` there), `days_ago`."""
    when = (now or timezone.now()) - timedelta(days=days_ago)
    CategoryExpertise.objects.update_or_create(
        member=member, category=category, defaults={"points": points, "last_earned_at": when}
    )
    for name in tags:
        tag, _created = Tag.objects.get_or_create(name=name, defaults={"slug": name})
        TagExpertise.objects.update_or_create(
            member=member, category=category, tag=tag, defaults={"points": points, "last_earned_at": when}
        )


def seen(*members, days_ago=0):
    Member.objects.filter(pk__in=[m.pk for m in members]).update(last_seen=timezone.now() - timedelta(days=days_ago))


def invited(thread, *members, round=1, hours_ago=0):
    Invitation.objects.bulk_create(
        Invitation(thread=thread, member=m, round=round, sent_at=timezone.now() - timedelta(hours=hours_ago))
        for m in members
    )


def names(members) -> list[str]:
    return [m.username for m in members]


@pytest.fixture
def question(make_thread, questions, member):
    """Alice asks about her wifi."""
    return make_thread(category=questions, author=member, title="My lamp drops off the wifi", tags=["wifi"])


@pytest.fixture
def experts(make_member, questions):
    """expert1 (100 points under #wifi) to expert10 (10 points), all seen today."""
    found = []
    for n in range(1, EXPERTS + 1):
        expert = make_member(f"expert{n}")
        know(expert, questions, (EXPERTS + 1 - n) * 10, tags=["wifi"])
        found.append(expert)
    seen(*found)
    return found


def choose(thread, round=1):
    return names(choose_invitees(thread, round=round, now=timezone.now()))


# Who knows best ---------------------------------------------------------------------------------


def test_the_members_with_the_most_points_under_the_tags_are_invited_first(question, experts):
    assert choose(question) == ["expert1", "expert2", "expert3"]


def test_the_number_invited_is_a_setting(settings, question, experts):
    settings.ANSWERING_INVITEES = 5
    assert choose(question) == [f"expert{n}" for n in range(1, 6)]


def test_points_under_every_tag_of_the_question_add_up(make_thread, questions, member, make_member, experts):
    both = make_member("both")
    know(both, questions, 60, tags=["wifi", "halo"])  # 120 in all, above expert1's 100
    seen(both)
    thread = make_thread(category=questions, author=member, tags=["wifi", "halo"])

    assert choose(thread) == ["both", "expert1", "expert2"]


def test_recent_expertise_weighs_more_than_old(question, experts, make_member):
    veteran = make_member("veteran")
    know(veteran, question.category, 150, tags=["wifi"], days_ago=400)  # 150 points, over a year ago
    seen(veteran)

    assert "veteran" not in choose(question)
    know(veteran, question.category, 150, tags=["wifi"], days_ago=2)
    assert choose(question)[0] == "veteran"


def test_points_under_the_tag_in_another_category_do_not_count(question, experts, make_member, discussion):
    elsewhere = make_member("elsewhere")
    know(elsewhere, discussion, 1000, tags=["wifi"])
    seen(elsewhere)

    assert "elsewhere" not in choose(question, round=2)


def test_a_question_without_tags_invites_the_category_experts(make_thread, questions, member, experts, make_member):
    generalist = make_member("generalist")
    know(generalist, questions, 500)  # in the category, under no tag
    seen(generalist)
    thread = make_thread(category=questions, author=member, title="Something without a tag")

    assert choose(thread) == ["generalist", "expert1", "expert2"]


def test_the_second_round_widens_to_the_next_and_then_to_the_category(question, experts, make_member):
    generalist = make_member("generalist")
    know(generalist, question.category, 500)
    seen(generalist)
    assert choose(question) == ["expert1", "expert2", "expert3"]  # the first round: the tag's experts only
    invited(question, *experts[:3])

    wider = choose(question, round=2)

    assert wider == ["expert4", "expert5", "expert6", "expert7", "expert8"]
    invited(question, *experts[3:8], round=2)
    assert choose(question, round=2) == ["expert9", "expert10", "generalist"]  # the tag first, then the category


def test_only_question_categories_route_questions(make_thread, discussion, member, make_member):
    expert = make_member("expert")
    know(expert, discussion, 100, tags=["wifi"])
    seen(expert)
    thread = make_thread(category=discussion, author=member, tags=["wifi"])

    assert choose(thread) == []


# Who is never asked ---------------------------------------------------------------------------


def test_never_the_asker(question, member, experts):
    know(member, question.category, 1000, tags=["wifi"])
    seen(member)

    assert "alice" not in choose(question)


def test_never_someone_who_already_replied_or_was_invited(question, experts):
    services.post_reply(thread=question, author=experts[0], body="Have you tried turning it off and on?")
    invited(question, experts[1], hours_ago=30)

    assert choose(question) == ["expert3", "expert4", "expert5"]


def test_never_a_suspended_or_deactivated_member_nor_brand_staff(question, experts):
    Member.objects.filter(pk=experts[0].pk).update(suspended_until=timezone.now() + timedelta(days=3))
    Member.objects.filter(pk=experts[1].pk).update(is_active=False)
    Member.objects.filter(pk=experts[2].pk).update(is_brand_staff=True)  # answers from the staff queue
    Member.objects.filter(pk=experts[3].pk).update(suspended_until=timezone.now() - timedelta(days=1))  # ended

    assert choose(question) == ["expert4", "expert5", "expert6"]


def test_only_members_active_lately(settings, question, experts):
    seen(experts[0], days_ago=31)
    Member.objects.filter(pk=experts[1].pk).update(last_seen=None)
    seen(experts[2], days_ago=29)

    assert choose(question) == ["expert3", "expert4", "expert5"]
    settings.ANSWERING_ACTIVE_DAYS = 60
    assert choose(question) == ["expert1", "expert3", "expert4"]


def test_a_staff_only_question_invites_only_who_may_read_it(make_thread, staff_questions, staff_member, make_member):
    reader, moderator = make_member("reader"), make_member("moddy", moderator=True)
    suspended_moderator = make_member("suspended-moderator", moderator=True)
    Member.objects.filter(pk=suspended_moderator.pk).update(suspended_until=timezone.now() + timedelta(days=1))
    for person in (reader, moderator, suspended_moderator):
        know(person, staff_questions, 100, tags=["wifi"])
    seen(reader, moderator, suspended_moderator)
    thread = make_thread(category=staff_questions, author=staff_member, tags=["wifi"])

    assert choose(thread) == ["moddy"]
    assert choose(thread, round=2) == ["moddy"]


def test_a_member_who_turned_invitations_off_is_not_asked(question, experts):
    AnsweringPreference.objects.create(member=experts[0], invitations=False)

    assert choose(question) == ["expert2", "expert3", "expert4"]


def test_a_member_who_chose_tags_is_asked_only_under_them(question, experts, make_thread, member):
    halo, _ = Tag.objects.get_or_create(name="halo", slug="halo")
    wifi = Tag.objects.get(name="wifi")
    AnsweringPreference.objects.create(member=experts[0]).tags.set([halo])  # not #wifi
    AnsweringPreference.objects.create(member=experts[1]).tags.set([halo, wifi])

    assert choose(question) == ["expert2", "expert3", "expert4"]
    untagged = make_thread(category=question.category, author=member, title="No tag on this one")
    assert "expert1" not in choose(untagged) and "expert2" not in choose(untagged)


def test_the_daily_cap_counts_the_last_24_hours(settings, make_thread, question, experts, member):
    settings.ANSWERING_DAILY_CAP = 2
    others = [make_thread(category=question.category, author=member) for _ in range(3)]
    invited(others[0], experts[0], hours_ago=2)
    invited(others[1], experts[0], hours_ago=23)  # expert1: 2 in the last day, the cap
    invited(others[0], experts[1], hours_ago=1)
    invited(others[1], experts[1], hours_ago=25)  # expert2: 1 in the last day
    invited(others[2], experts[1], hours_ago=30)

    assert choose(question) == ["expert2", "expert3", "expert4"]


def test_a_member_may_choose_their_own_cap(settings, make_thread, question, experts, member):
    settings.ANSWERING_DAILY_CAP = 3
    other = make_thread(category=question.category, author=member)
    AnsweringPreference.objects.create(member=experts[0], daily_cap=0)  # never
    AnsweringPreference.objects.create(member=experts[1], daily_cap=1)
    AnsweringPreference.objects.create(member=experts[2], daily_cap=5)
    invited(other, experts[1], experts[2], hours_ago=1)

    assert choose(question) == ["expert3", "expert4", "expert5"]


# Cost ---------------------------------------------------------------------------------------


def test_choosing_reads_a_few_rows_in_a_few_queries(
    question, experts, make_member, django_assert_max_num_queries, make_thread, member
):
    for n in range(40):
        crowd = make_member(f"crowd{n}")
        know(crowd, question.category, n, tags=["wifi", "halo"])
    AnsweringPreference.objects.create(member=experts[0], daily_cap=1)
    untagged = make_thread(category=question.category, author=member, title="No tag on this one")
    question, untagged = (
        type(question).objects.select_related("category").order_by("pk").filter(pk__in=[question.pk, untagged.pk])
    )

    with django_assert_max_num_queries(4):  # tags, tag experts, category experts, the members
        assert len(choose_invitees(question, round=2)) == 5
    with django_assert_max_num_queries(3):
        assert len(choose_invitees(untagged, round=1)) == 3


def test_category_kinds_other_than_questions_cost_nothing(make_thread, discussion, member, django_assert_num_queries):
    thread = make_thread(category=discussion, author=member, tags=["wifi"])
    thread = type(thread).objects.select_related("category").get(pk=thread.pk)
    assert thread.category.kind == Category.Kind.DISCUSSION
    with django_assert_num_queries(0):
        assert choose_invitees(thread, round=1) == []
