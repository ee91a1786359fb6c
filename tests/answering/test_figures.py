"""The staff figures' "Who answers" section: who wrote each question's first answer (a member or
brand staff) and how long it took, checked against a small dataset worked out by hand.

- the first answer is the question's first visible reply by someone other than the asker;
- it is by staff when its author is brand staff (or an admin) now, by members otherwise,
  moderators included;
- medians and p90 as everywhere on the page: the values at 0-based offsets floor(N × 0.5) and
  floor(N × 0.9) of the sorted durations.
"""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forum.models import Category, Thread
from moderation.actions import hide_post
from staff.figures import community_figures
from staff.figures.aggregates import with_first_reply
from staff.figures.answerers import who_answers
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

    rows = list(csv.reader(io.StringIO(client.get(CSV).content.decode("utf-8-sig"))))

    found = {(row[0], row[1]): row[2:] for row in rows[1:]}
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
