"""The staff figures' "Who answers" section: who wrote each question's first answer (a member or
brand staff) and how long it took, checked against a small dataset worked out by hand.

- the first answer is the question's first visible reply by someone other than the asker;
- it is by staff when its author is brand staff (or an admin) now, by members otherwise,
  moderators included;
- medians and p90 as everywhere on the page: the values at 0-based offsets floor(N × 0.5) and
  floor(N × 0.9) of the sorted durations;
- invitations to answer are counted by when they were sent: answered when the invited member
  replied, accepted when that member's answer became the accepted one.
"""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from answering.models import Invitation
from forum.models import Category, Thread
from moderation.actions import hide_post
from staff.figures import community_figures
from staff.figures.aggregates import with_first_reply
from staff.figures.answerers import invitations_sent, who_answers
from staff.figures.periods import period_of
from tests.staff.conftest import accept, ask, colleague, hours, reply  # noqa: F401 (fixtures)

FIGURES = "/staff/figures/"
CSV = "/staff/figures.csv"


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def setup_category(make_category):
    return make_category("setup", name="Setup", kind=Category.Kind.QUESTIONS, position=3)


@pytest.fixture
def dataset(
    ask,  # noqa: F811
    reply,  # noqa: F811
    colleague,  # noqa: F811
    member,
    other_member,
    carol,
    moderator,
    staff_member,
    admin_member,
    questions,
    setup_category,
    staff_questions,
    now,
):
    """Seven answered questions two days ago, one unanswered, one answered long ago.

    By members: 1 h (bruno), 4 h (carol, after the asker's own bump), 6 h (a moderator).
    By staff: 2 h (sophie), 5 h (yann, after a hidden reply), 3 h (an admin, in Setup),
    10 h (yann, in the staff-only category).
    """
    asked = now - timedelta(days=2)
    q1 = ask(category=questions, author=member, at=asked)
    reply(q1, other_member, after=hours(1))
    reply(q1, staff_member, after=hours(3))  # not the first
    reply(ask(category=questions, author=member, at=asked), staff_member, after=hours(2))
    q3 = ask(category=questions, author=member, at=asked)
    reply(q3, member, after=hours(0.5), body="Still broken, anyone?")  # the asker's own
    reply(q3, carol, after=hours(4))
    reply(ask(category=questions, author=member, at=asked), moderator, after=hours(6))
    q5 = ask(category=questions, author=member, at=asked)
    hide_post(post=reply(q5, carol, after=hours(1), body="Buy my miracle cure."), by=moderator, reason="spam")
    reply(q5, colleague, after=hours(5))
    ask(category=questions, author=member, at=asked)  # unanswered
    reply(ask(category=setup_category, author=member, at=asked), admin_member, after=hours(3))
    reply(ask(category=staff_questions, author=staff_member, at=asked), colleague, after=hours(10))
    reply(ask(category=questions, author=member, at=now - timedelta(days=40)), other_member, after=hours(1))


def csv_figures(client, **query) -> dict[tuple[str, str], list[str]]:
    """The CSV's rows by (scope, figure): value, unit, shown as."""
    rows = list(csv.reader(io.StringIO(client.get(CSV, query).content.decode("utf-8-sig"))))
    return {(row[0], row[1]): row[2:] for row in rows[1:]}


def of(page, slug):
    return next(f for f in page.by_category if f.category.slug == slug)


def test_first_answers_are_split_between_members_and_staff(dataset, staff_member, now):
    page = community_figures(staff_member, now=now)

    forum = page.forum
    assert (forum.first_by_members, forum.first_by_staff, forum.first_answered) == (3, 4, 7)
    assert (forum.first_members_share, forum.first_staff_share) == (43, 57)
    assert (forum.first_members_share_text, forum.first_staff_share_text) == ("43 %", "57 %")
    assert (of(page, "help").first_by_members, of(page, "help").first_by_staff) == (3, 2)
    assert (of(page, "setup").first_by_members, of(page, "setup").first_by_staff) == (0, 1)
    assert (of(page, "staff-questions").first_by_members, of(page, "staff-questions").first_by_staff) == (0, 1)


def test_the_time_to_a_first_answer_is_timed_for_members_and_for_staff(dataset, staff_member, now):
    page = community_figures(staff_member, now=now)

    members, staff = page.who_answers.by_members, page.who_answers.by_staff
    # Members: 1, 4, 6 hours: N=3, offsets 1 and 2.
    assert (members.count, members.median, members.p90) == (3, hours(4), hours(6))
    # Staff: 2, 3, 5, 10 hours: N=4, offsets 2 and 3.
    assert (staff.count, staff.median, staff.p90) == (4, hours(5), hours(10))
    # Everyone: 1, 2, 3, 4, 5, 6, 10 hours: N=7, offsets 3 and 6.
    assert (page.forum.first_reply.median, page.forum.first_reply.p90) == (hours(4), hours(10))


def test_one_category_shows_its_own_split_and_times(dataset, staff_member, now):
    page = community_figures(staff_member, now=now, category_slug="help")

    assert (page.selected.first_by_members, page.selected.first_by_staff) == (3, 2)
    # Staff in help: 2 and 5 hours: N=2, offsets 1 and 1.
    assert (page.who_answers.by_staff.median, page.who_answers.by_staff.p90) == (hours(5), hours(5))
    assert page.who_answers.by_members.median == hours(4)


def test_a_longer_period_counts_the_older_question(dataset, staff_member, now):
    page = community_figures(staff_member, now=now, days=90)

    assert (page.forum.first_by_members, page.forum.first_by_staff) == (4, 4)
    assert page.who_answers.by_members.median == hours(4)  # 1, 1, 4, 6: offset 2


def test_each_day_of_the_chart_has_its_share_answered_first_by_members(dataset, staff_member, now):
    page = community_figures(staff_member, now=now, days=7)

    answered = [b for b in page.chart.buckets if b.first_answered]
    assert [(b.first_by_members, b.first_by_staff, b.members_share) for b in answered] == [(3, 4, 43)]
    assert [dot.bucket.members_share for dot in page.chart.answer_dots] == [43]


def test_the_page_shows_who_answers(client, dataset, staff_member):
    client.force_login(staff_member)

    html = client.get(FIGURES).content.decode()

    section = html[html.index('id="who-answers-heading"') :]
    section = section[: section.index("</section>")]
    assert '<strong data-figure="first-members">3</strong> by members <span class="muted">(43 %)</span>' in section
    assert '<strong data-figure="first-staff">4</strong> by staff <span class="muted">(57 %)</span>' in section
    assert 'data-figure="first-answer-median">4 h<' in section
    assert 'data-figure="first-answer-members-median">4 h<' in section
    assert 'data-figure="first-answer-staff-median">5 h<' in section
    assert 'style="width: 43%"' in section
    assert "3 of 7 answered first by members (43%)" in section
    assert "<td>3 / 2</td>" in html  # help's row of the table: first answers by members / staff


def test_a_period_without_answers_says_so(client, staff_member, ask, member, questions):  # noqa: F811
    ask(category=questions, author=member)
    client.force_login(staff_member)

    html = client.get(FIGURES).content.decode()

    assert "No question asked in this period has an answer yet." in html


def test_the_csv_carries_who_answers(client, dataset, staff_member):
    client.force_login(staff_member)

    found = csv_figures(client)

    assert found[("Whole forum", "Answered first by members")] == ["3", "questions", "43 %"]
    assert found[("Whole forum", "Answered first by staff")] == ["4", "questions", "57 %"]
    assert found[("Help", "Answered first by staff")] == ["2", "questions", "40 %"]
    assert found[("Whole forum", "Time to first answer by a member, median")] == ["4.0", "hours", "4 h"]
    assert found[("Whole forum", "Time to first answer by staff, p90")] == ["10.0", "hours", "10 h"]
    day = (timezone.localdate() - timedelta(days=2)).isoformat()
    assert found[("Whole forum", f"Answered first by members, from {day}")] == ["43", "%", "43 %"]


@pytest.mark.parametrize("viewer", ["member", None])
def test_the_figures_stay_staff_only(client, request, dataset, viewer):
    if viewer:
        client.force_login(request.getfixturevalue(viewer))

    assert client.get(FIGURES).status_code in {302, 403}


def test_who_answers_costs_one_query_whatever_the_number_of_questions(
    dataset,
    ask,  # noqa: F811
    reply,  # noqa: F811
    member,
    other_member,
    questions,
    now,
):
    def queries():
        scope = with_first_reply(Thread.objects.filter(created_at__gte=now - timedelta(days=30)).order_by())
        with CaptureQueriesContext(connection) as captured:
            who_answers(scope)
        return len(captured)

    few = queries()
    for n in range(12):
        reply(ask(category=questions, author=member, at=now - timedelta(days=1)), other_member, after=hours(n + 1))

    assert queries() == few == 1


# Invitations sent vs answered ---------------------------------------------------------------------------


def invite(thread, *members, at):
    Invitation.objects.bulk_create(Invitation(thread=thread, member=m, round=1, sent_at=at) for m in members)


@pytest.fixture
def invitations(
    ask,  # noqa: F811
    reply,  # noqa: F811
    accept,  # noqa: F811
    member,
    other_member,
    carol,
    dmitri,
    questions,
    setup_category,
    now,
):
    """Six invitations, five of them in the last 30 days, worked out by hand.

    Help: Bruno and Carol invited to question A (Bruno answers and is accepted, Carol stays
    silent), Carol to B (answers, not accepted), Dmitri to E (silent). Setup: Bruno to C (answers,
    accepted). Help, 40 days ago: Carol to D (answers). The asker's own follow-up answers nothing.
    """
    a = ask(category=questions, author=member, at=now - timedelta(days=2))
    invite(a, other_member, carol, at=a.created_at + hours(0.5))
    reply(a, member, after=hours(0.6), body="It blinks again tonight.")  # the asker's own: answers nothing
    accept(reply(a, other_member, after=hours(1)), member, after=hours(2))
    b = ask(category=questions, author=member, at=now - timedelta(days=3))
    invite(b, carol, at=b.created_at + hours(0.5))
    reply(b, carol, after=hours(4))
    c = ask(category=setup_category, author=member, at=now - timedelta(days=1))
    invite(c, other_member, at=c.created_at + hours(0.5))
    accept(reply(c, other_member, after=hours(1)), member, after=hours(3))
    d = ask(category=questions, author=member, at=now - timedelta(days=40))
    invite(d, carol, at=d.created_at + hours(0.5))
    reply(d, carol, after=hours(2))
    e = ask(category=questions, author=member, at=now - timedelta(days=1))
    invite(e, dmitri, at=e.created_at + hours(0.5))


def sent_answered_accepted(invitations) -> tuple:
    return (
        invitations.sent,
        invitations.answered,
        invitations.accepted,
        invitations.answered_share,
        invitations.accepted_share,
    )


def test_invitations_sent_answered_and_accepted_are_counted_for_the_period(invitations, staff_member, now):
    page = community_figures(staff_member, now=now)

    # 5 sent in 30 days; answered: Bruno on A and C, Carol on B (3 of 5); accepted: A and C (2 of 3).
    assert sent_answered_accepted(page.who_answers.invitations) == (5, 3, 2, 60, 67)
    assert page.who_answers.invitations.answered_share_text == "60 %"


def test_one_category_counts_its_own_invitations(invitations, staff_member, now):
    help_page = community_figures(staff_member, now=now, category_slug="help")
    setup_page = community_figures(staff_member, now=now, category_slug="setup")

    assert sent_answered_accepted(help_page.who_answers.invitations) == (4, 2, 1, 50, 50)
    assert sent_answered_accepted(setup_page.who_answers.invitations) == (1, 1, 1, 100, 100)


def test_a_longer_period_counts_the_older_invitation(invitations, staff_member, now):
    page = community_figures(staff_member, now=now, days=90)

    assert sent_answered_accepted(page.who_answers.invitations) == (6, 4, 2, 67, 50)


def test_invitations_to_staff_only_questions_count_for_staff(
    invitations,
    ask,  # noqa: F811
    moderator,
    staff_member,
    staff_questions,
    now,
):
    internal = ask(category=staff_questions, author=staff_member, at=now - timedelta(days=1))
    invite(internal, moderator, at=now - timedelta(hours=20))

    assert invitations_sent([staff_questions], since=period_of(30, now=now).start).sent == 1
    assert community_figures(staff_member, now=now).who_answers.invitations.sent == 6


def test_the_page_shows_the_invitations(client, invitations, staff_member):
    client.force_login(staff_member)

    html = client.get(FIGURES).content.decode()

    section = html[html.index('id="who-answers-heading"') :]
    section = section[: section.index("</section>")]
    assert '<strong data-figure="invitations-sent">5</strong> sent' in section
    assert '<strong data-figure="invitations-answered">3</strong> answered <span class="muted">(60 %)</span>' in section
    assert '<strong data-figure="invitations-accepted">2</strong> accepted <span class="muted">(67 %)</span>' in section


def test_a_period_without_invitations_says_so(client, dataset, staff_member):
    client.force_login(staff_member)

    html = client.get(FIGURES).content.decode()

    assert '<dd class="figure-value" data-figure="invitations-sent">0</dd>' in html
    assert "no invitation to answer sent in this period" in html


def test_invitations_show_even_before_any_answer(client, ask, member, other_member, questions, staff_member):  # noqa: F811
    question = ask(category=questions, author=member)
    invite(question, other_member, at=timezone.now())
    client.force_login(staff_member)

    html = client.get(FIGURES).content.decode()

    assert "No question asked in this period has an answer yet." in html
    assert '<strong data-figure="invitations-sent">1</strong> sent' in html
    assert '<strong data-figure="invitations-answered">0</strong> answered <span class="muted">(0 %)</span>' in html
    assert '<strong data-figure="invitations-accepted">0</strong> accepted <span class="muted">(—)</span>' in html


def test_the_csv_carries_the_invitations(client, invitations, staff_member):
    client.force_login(staff_member)

    found = csv_figures(client)

    assert found[("Whole forum", "Invitations to answer sent")] == ["5", "invitations", "5"]
    assert found[("Whole forum", "Invitations answered")] == ["3", "invitations", "60 %"]
    assert found[("Whole forum", "Invitations whose answer was accepted")] == ["2", "invitations", "67 %"]
    assert csv_figures(client, category="setup")[("Setup", "Invitations to answer sent")] == ["1", "invitations", "1"]


def test_the_invitations_cost_one_query_whatever_their_number(invitations, other_member, questions, now):
    start = period_of(30, now=now).start
    with CaptureQueriesContext(connection) as few:
        invitations_sent([questions], since=start)
    for n in range(10):
        thread = Thread.objects.create(category=questions, title=f"Q{n}", slug=f"q{n}", author=other_member)
        invite(thread, other_member, at=now - timedelta(hours=n))

    with CaptureQueriesContext(connection) as many:
        assert invitations_sent([questions], since=start).sent == 14

    assert len(few) == len(many) == 1
