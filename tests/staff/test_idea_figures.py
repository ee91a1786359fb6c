"""The staff figures' "Ideas" section: ideas proposed in the period by their status now (every
status, 0s included), and the time brand staff took to give an idea its first status."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from forum import services
from forum.models import Visibility
from ideas.models import Status, StatusChange
from ideas.services import set_idea_status
from staff.figures import community_figures, period_of
from staff.figures.ideas import idea_figures
from tests.staff.conftest import hours
from tests.staff.test_figures import CSV, FIGURES, csv_table, figure_values

NOTE = "We looked at it closely this week."
EVERY_STATUS = [status.value for status in Status]


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def propose(ask, member, ideas_category, now):
    """An idea proposed `days_ago` days ago (two by default: inside every period)."""

    def make(*, category=None, days_ago=2, author=None):
        return ask(category=category or ideas_category, author=author or member, at=now - timedelta(days=days_ago))

    return make


@pytest.fixture
def answer(staff_member):
    """Set the idea's status; `after` moves the change to that long after the idea was proposed."""

    def make(thread, status, *, after=None):
        change = set_idea_status(thread=thread, by=staff_member, status=status, note=NOTE)
        if after is not None:
            StatusChange.objects.filter(pk=change.pk).update(created_at=thread.created_at + after)
        return change

    return make


def by_status(figures) -> dict[str, int]:
    return {status: count for status, _label, count in figures.ideas.by_status}


def ideas_of(viewer, now, **kwargs):
    return community_figures(viewer, now=now, **kwargs).ideas


# What is counted --------------------------------------------------------------------------------


def test_ideas_are_counted_by_the_status_they_have_now_with_a_row_for_every_status(propose, answer, staff_member, now):
    propose()
    propose()
    answer(propose(), Status.PLANNED)
    done = propose()
    answer(done, Status.UNDER_REVIEW)
    answer(done, Status.DONE)
    answer(propose(), Status.DECLINED)

    ideas = ideas_of(staff_member, now)

    assert [status for status, _label, _count in ideas.by_status] == EVERY_STATUS
    assert by_status(community_figures(staff_member, now=now)) == {
        "new": 2,
        "under_review": 0,
        "planned": 1,
        "in_progress": 0,
        "done": 1,
        "declined": 1,
        "duplicate": 0,
    }
    assert ideas.proposed == 5


def test_only_visible_ideas_proposed_in_the_period_are_counted(
    propose, ask, member, moderator, staff_member, questions, now
):
    propose(days_ago=2)
    propose(days_ago=20)  # in 30 days, not in 7
    propose(days_ago=120)  # in no period
    hidden = propose()
    services.set_post_visibility(
        post=hidden.posts.get(is_opening=True), by=moderator, visibility=Visibility.HIDDEN, reason="spam"
    )
    ask(category=questions, author=member)  # a question, not an idea

    assert ideas_of(staff_member, now, days=7).proposed == 1
    assert ideas_of(staff_member, now, days=30).proposed == 2
    assert ideas_of(staff_member, now, days=90).proposed == 2


def test_staff_only_ideas_are_counted_for_staff_and_left_out_for_members(
    propose, staff_ideas, staff_member, moderator, member, now
):
    propose()
    propose(category=staff_ideas, author=staff_member)

    assert ideas_of(staff_member, now).proposed == 2
    assert ideas_of(moderator, now).proposed == 2
    assert ideas_of(member, now).proposed == 1


def test_without_an_ideas_category_every_status_is_zero_and_the_section_is_not_shown(
    client, staff_member, staff_ideas, member, now
):
    ideas = ideas_of(member, now)  # the only ideas category is staff-only

    assert not ideas.has_categories
    assert set(by_status(community_figures(member, now=now)).values()) == {0}
    client.force_login(staff_member)
    assert 'id="ideas-heading"' in client.get(FIGURES).content.decode()
    staff_ideas.delete()
    assert 'id="ideas-heading"' not in client.get(FIGURES).content.decode()


# Time to first status ---------------------------------------------------------------------------


def test_the_time_to_first_status_is_the_median_of_each_ideas_first_change(propose, answer, staff_member, now):
    """1, 5 and 9 hours: offsets floor(3 × 0.5) = 1 and floor(3 × 0.9) = 2, so 5 h and 9 h."""
    first = propose()
    answer(first, Status.UNDER_REVIEW, after=hours(1))
    answer(first, Status.PLANNED, after=hours(30))  # a later change: not the first
    answer(propose(), Status.DECLINED, after=hours(9))
    answer(propose(), Status.PLANNED, after=hours(5))
    propose()  # no status yet: left out

    spread = ideas_of(staff_member, now).first_status

    assert (spread.count, spread.median, spread.p90) == (3, hours(5), hours(9))


def test_no_status_yet_means_no_time(propose, staff_member, now):
    propose()

    spread = ideas_of(staff_member, now).first_status

    assert (spread.count, spread.median, spread.median_text) == (0, None, "—")


# The page and the CSV ---------------------------------------------------------------------------


@pytest.fixture
def answered_ideas(propose, answer):
    """Four ideas two days old: planned after 2 h, declined after 4 h, done after 6 h, one still new."""
    for status, after in ((Status.PLANNED, 2), (Status.DECLINED, 4), (Status.DONE, 6)):
        answer(propose(), status, after=hours(after))
    propose()


def test_the_page_shows_the_ideas_section_with_every_status(client, staff_member, answered_ideas):
    client.force_login(staff_member)

    html = client.get(FIGURES, {"period": "7"}).content.decode()

    shown = figure_values(html)
    assert shown["ideas-proposed"] == "4"
    assert {status: shown[f"ideas-{status}"] for status in EVERY_STATUS} == {
        "new": "1",
        "under_review": "0",
        "planned": "1",
        "in_progress": "0",
        "done": "1",
        "declined": "1",
        "duplicate": "0",
    }
    assert (shown["ideas-first-status-median"], shown["ideas-first-status-p90"]) == ("4 h", "6 h")
    section = html[html.index('id="ideas-heading"') :]
    assert [re.sub(r"\s+", " ", label) for label in re.findall(r'<th scope="row">([^<]+)</th>', section)] == [
        str(label) for label in Status.labels
    ]


def test_the_section_is_left_out_when_the_page_shows_one_question_category(
    client, staff_member, answered_ideas, questions
):
    client.force_login(staff_member)

    response = client.get(FIGURES, {"category": "help"})

    assert response.status_code == 200
    assert 'id="ideas-heading"' not in response.content.decode()
    assert not any("Ideas" in row[1] for row in csv_table(client.get(CSV, {"category": "help"})))


def test_the_csv_has_the_ideas_figures_matching_the_page(client, staff_member, answered_ideas):
    client.force_login(staff_member)
    page = figure_values(client.get(FIGURES, {"period": "7"}).content.decode())

    _header, *rows = csv_table(client.get(CSV, {"period": "7"}))

    forum = {figure: (value, unit, shown) for scope, figure, value, unit, shown in rows if scope == "Whole forum"}
    assert forum["Ideas proposed"] == ("4", "ideas", page["ideas-proposed"])
    assert forum["Ideas with the status “Planned”"] == ("1", "ideas", "1")
    assert forum["Ideas with the status “In progress”"] == ("0", "ideas", "0")
    assert forum["Time to first status, median"] == ("4.0", "hours", page["ideas-first-status-median"])
    assert forum["Time to first status, p90"] == ("6.0", "hours", page["ideas-first-status-p90"])


def test_the_ideas_section_is_a_staff_page_like_the_rest(client, member, answered_ideas):
    client.force_login(member)

    assert client.get(FIGURES).status_code in {403, 404}


# Cost -------------------------------------------------------------------------------------------


def test_the_ideas_section_costs_three_queries_whatever_the_number_of_ideas(
    client, propose, answer, staff_ideas, staff_member, moderator, django_assert_max_num_queries
):
    """The ideas categories, the ideas per status and the time to a first status."""
    client.force_login(moderator)
    client.get(FIGURES)  # the first request also caches that there is no announcement
    statuses = [Status.UNDER_REVIEW, Status.PLANNED, Status.DONE, Status.DECLINED]

    def add(count):
        for n in range(count):
            staff_only = n % 3 == 0
            idea = propose(
                category=staff_ideas if staff_only else None,
                author=staff_member if staff_only else None,
                days_ago=n % 6 + 1,
            )
            if n % 4:
                answer(idea, statuses[n % 4], after=hours(n + 1))

    def page_queries():
        # 11 here, without question categories (tests/staff/test_figures.py pins the full page).
        with django_assert_max_num_queries(11) as queries:
            assert client.get(FIGURES).status_code == 200
        return len(queries)

    add(2)
    with django_assert_max_num_queries(3):
        assert idea_figures(moderator, period_of(30, now=timezone.now())).proposed == 2
    few = page_queries()
    add(20)
    with django_assert_max_num_queries(3):
        assert idea_figures(moderator, period_of(30, now=timezone.now())).proposed == 22
    many = page_queries()

    assert many == few
