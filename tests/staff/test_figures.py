"""The staff figures page and its CSV, each figure checked against a small dataset worked out by hand.

How the figures are defined (staff/figures/ says the same):

- the period is the last N days, today included: from local midnight N−1 days ago until now;
- a question is a visible thread of a question category, created in the period;
- the first reply is the earliest visible reply by someone other than the asker;
- median and p90 are the values at 0-based offsets floor(N × 0.5) and floor(N × 0.9) of the
  durations sorted in ascending order, over the questions where the event happened:
  1, 2, 3, 4, 10 hours → offsets 2 and 4 → median 3 h, p90 10 h.
"""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from forum import services
from forum.models import Category, Visibility
from ideas.models import Status
from ideas.services import set_idea_status
from moderation.actions import dismiss_reports, hide_post
from moderation.models import Report
from moderation.reports import file_report
from profiles.services import grant_role
from reputation.models import ReputationEntry
from staff.figures import community_figures, human_duration, period_of
from tests.staff.conftest import hours

FIGURES = "/staff/figures/"
CSV = "/staff/figures.csv"


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def asked_at(now):
    """Two days ago: inside every period, and every reply a few hours later is still in the past."""
    return now - timedelta(days=2)


@pytest.fixture
def answerers(make_member):
    return [make_member(f"helper{n}", display_name=f"Helper {n}") for n in range(4)]


def of(page, slug):
    return next(f for f in page.by_category if f.category.slug == slug)


def figures_for(viewer, now, **kwargs):
    return community_figures(viewer, now=now, **kwargs)


# Median and p90 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply_hours", "median", "p90"),
    [
        ([1, 2, 3, 4, 10], 3, 10),  # N=5: offsets 2 and 4
        ([10, 4, 3, 2, 1], 3, 10),  # the order they were asked in does not matter
        ([1, 2, 3, 4], 3, 4),  # N=4: offsets 2 and 3 (the upper median)
        ([7], 7, 7),  # N=1: offset 0 for both
        (list(range(1, 21)), 11, 19),  # N=20: offsets 10 and 18
    ],
)
def test_median_and_p90_are_the_values_at_offsets_floor_of_n_times_half_and_nine_tenths(
    ask, reply, member, other_member, staff_member, questions, asked_at, now, reply_hours, median, p90
):
    for n in reply_hours:
        reply(ask(category=questions, author=member, at=asked_at), other_member, after=hours(n))

    spread = figures_for(staff_member, now).forum.first_reply

    assert (spread.count, spread.median, spread.p90) == (len(reply_hours), hours(median), hours(p90))


def test_times_are_computed_per_category_and_for_the_whole_forum(
    ask, reply, member, other_member, staff_member, questions, ideas, asked_at, now
):
    for n in (1, 2, 3, 4, 10):
        reply(ask(category=questions, author=member, at=asked_at), other_member, after=hours(n))
    for n in (5, 6):
        reply(ask(category=ideas, author=member, at=asked_at), other_member, after=hours(n))

    page = figures_for(staff_member, now)

    assert (of(page, "help").first_reply.median, of(page, "help").first_reply.p90) == (hours(3), hours(10))
    # N=2: offsets 1 and 1.
    assert (of(page, "how-to").first_reply.median, of(page, "how-to").first_reply.p90) == (hours(6), hours(6))
    # 1, 2, 3, 4, 5, 6, 10: N=7, offsets 3 and 6.
    assert (page.forum.first_reply.median, page.forum.first_reply.p90) == (hours(4), hours(10))
    assert (page.forum.asked, of(page, "help").asked, of(page, "how-to").asked) == (7, 5, 2)


def test_the_first_reply_is_the_first_visible_one_by_someone_other_than_the_asker(
    ask, reply, member, other_member, moderator, staff_member, questions, asked_at, now
):
    thread = ask(category=questions, author=member, at=asked_at)
    reply(thread, member, after=hours(1), body="Any idea, anyone? I am still stuck.")
    hidden = reply(thread, moderator, after=hours(2), body="Buy my miracle cure.")
    hide_post(post=hidden, by=moderator, reason="spam")
    reply(thread, other_member, after=hours(5))
    reply(thread, other_member, after=hours(6))

    spread = figures_for(staff_member, now).forum.first_reply

    assert (spread.count, spread.median) == (1, hours(5))


def test_unanswered_questions_have_no_reply_from_anyone_but_the_asker(
    ask, reply, member, other_member, staff_member, questions, ideas, asked_at, now
):
    ask(category=questions, author=member, at=asked_at)
    talking_to_myself = ask(category=questions, author=member, at=asked_at)
    reply(talking_to_myself, member, after=hours(1), body="Bumping this: still broken.")
    reply(ask(category=questions, author=member, at=asked_at), other_member, after=hours(1))
    ask(category=ideas, author=member, at=asked_at)

    page = figures_for(staff_member, now)

    assert (of(page, "help").unanswered, of(page, "how-to").unanswered, page.forum.unanswered) == (2, 1, 3)
    assert page.forum.first_reply.count == 1


def test_time_to_first_official_response_counts_staff_replies_only(
    ask, reply, member, other_member, staff_member, colleague, questions, asked_at, now
):
    for official_after in (2, 30, 8):
        thread = ask(category=questions, author=member, at=asked_at)
        reply(thread, other_member, after=hours(1))
        reply(thread, staff_member, after=hours(official_after))
        reply(thread, colleague, after=hours(official_after + 1))  # a second official reply is not the first
    reply(ask(category=questions, author=member, at=asked_at), other_member, after=hours(1))

    page = figures_for(staff_member, now)

    official = page.forum.first_official
    assert (official.count, official.median, official.p90) == (3, hours(8), hours(30))
    assert (page.forum.first_reply.count, page.forum.first_reply.median) == (4, hours(1))


def test_accepted_answers_are_timed_and_split_between_members_and_staff(
    ask, reply, accept, member, staff_member, answerers, questions, ideas, asked_at, now
):
    by_member = [(questions, answerers[0], 5), (questions, answerers[1], 20), (ideas, answerers[2], 10)]
    for category, helper, after in by_member:
        thread = ask(category=category, author=member, at=asked_at)
        accept(reply(thread, helper, after=hours(1)), member, after=hours(after))
    official = ask(category=questions, author=member, at=asked_at)
    accept(reply(official, staff_member, after=hours(1)), member, after=hours(3))
    ask(category=questions, author=member, at=asked_at)  # no accepted answer

    page = figures_for(staff_member, now)

    forum, help_ = page.forum, of(page, "help")
    assert (forum.accepted_by_members, forum.accepted_by_staff) == (3, 1)
    assert (forum.members_share, forum.staff_share) == (75, 25)
    assert (forum.members_share_text, forum.staff_share_text) == ("75 %", "25 %")
    assert (help_.accepted_by_members, help_.accepted_by_staff, help_.members_share) == (2, 1, 67)
    # 3, 5, 10, 20 hours: N=4, offsets 2 and 3.
    assert (forum.accepted.count, forum.accepted.median, forum.accepted.p90) == (4, hours(10), hours(20))
    # 3, 5, 20 hours in help: N=3, offsets 1 and 2.
    assert (help_.accepted.median, help_.accepted.p90) == (hours(5), hours(20))


def test_answered_within_target_counts_only_questions_whose_target_has_passed_or_was_met(
    ask, reply, accept, member, other_member, staff_member, questions, ideas, now
):
    """help has a 24-hour target; how-to has none and stays out of the share."""
    three_days_ago = now - timedelta(days=3)
    reply(ask(category=questions, author=member, at=three_days_ago), staff_member, after=hours(2))  # within
    reply(ask(category=questions, author=member, at=three_days_ago), staff_member, after=hours(30))  # late
    solved = ask(category=questions, author=member, at=three_days_ago)
    accept(reply(solved, other_member, after=hours(1)), member, after=hours(10))  # within, by a member
    ask(category=questions, author=member, at=three_days_ago)  # never answered: late
    ask(category=questions, author=member, at=now - hours(2))  # its 24 hours are not over: not counted yet
    set_aside = ask(category=questions, author=member, at=three_days_ago)
    services.set_no_response_needed(thread=set_aside, by=staff_member, reason="Duplicate")  # not counted
    reply(ask(category=ideas, author=member, at=three_days_ago), staff_member, after=hours(1))  # no target

    page = figures_for(staff_member, now)

    assert (page.forum.within_target, page.forum.target_counted, page.forum.target_share) == (2, 4, 50)
    assert of(page, "help").target_share == 50
    assert of(page, "how-to").target_share is None
    assert page.chart.has_target


# Reports --------------------------------------------------------------------------------------


def test_reports_opened_and_resolved_in_the_period_per_category_and_for_the_whole_forum(
    ask, reply, make_member, member, other_member, moderator, staff_member, questions, ideas, discussion, now
):
    reporters = [make_member(f"reporter{n}") for n in range(3)]
    in_help = reply(ask(category=questions, author=member), other_member)
    in_ideas = reply(ask(category=ideas, author=member), other_member)
    in_general = ask(category=discussion, author=member)
    old = file_report(reporter=reporters[0], reason=Report.Reason.SPAM, post=in_help)
    Report.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=40))
    file_report(reporter=reporters[1], reason=Report.Reason.SPAM, post=in_help)
    hide_post(post=in_help, by=moderator, reason="spam")  # resolves both reports on it, the old one too
    file_report(reporter=reporters[0], reason=Report.Reason.ABUSE, post=in_ideas)
    file_report(reporter=reporters[1], reason=Report.Reason.OFF_TOPIC, thread=in_general)
    file_report(reporter=reporters[2], reason=Report.Reason.ABUSE, member=other_member)
    dismiss_reports(target=f"member:{other_member.pk}", by=moderator)
    closed_long_ago = file_report(reporter=reporters[2], reason=Report.Reason.SPAM, post=in_ideas)
    Report.objects.filter(pk=closed_long_ago.pk).update(
        created_at=now - timedelta(days=50), status=Report.Status.RESOLVED, resolved_at=now - timedelta(days=45)
    )

    page = figures_for(staff_member, now)

    assert (of(page, "help").reports_opened, of(page, "help").reports_resolved) == (1, 2)
    assert (of(page, "how-to").reports_opened, of(page, "how-to").reports_resolved) == (1, 0)
    # Whole forum: help 1 + how-to 1 + general 1 + member 1 opened; help 2 + member 1 closed.
    assert (page.forum.reports_opened, page.forum.reports_resolved) == (4, 3)


# Top advocates ----------------------------------------------------------------------------------


def test_top_advocates_are_members_ranked_by_what_they_gained_in_the_period(
    ask, reply, make_member, member, other_member, staff_member, questions, ideas, now
):
    carol, dmitri, stan, olga = (make_member(name) for name in ("carol", "dmitri", "stan", "olga"))
    voters = [make_member(f"voter{n}") for n in range(3)]
    # other_member: accepted (+15) and two helpful votes (+20) in help = 35.
    answer = reply(ask(category=questions, author=member), other_member)
    services.accept_answer(post=answer, by=member)  # member gains +2 for accepting
    for voter in voters[:2]:
        services.cast_vote(post=answer, voter=voter)
    # carol: three votes in how-to (+30), one of them taken back (-10) = 20.
    carols = reply(ask(category=ideas, author=member), carol)
    for voter in voters:
        services.cast_vote(post=carols, voter=voter)
    services.retract_vote(post=carols, voter=voters[2])
    # dmitri: +10, but long ago.
    services.cast_vote(post=reply(ask(category=questions, author=member), dmitri), voter=voters[0])
    ReputationEntry.objects.filter(member=dmitri).update(created_at=now - timedelta(days=40))
    # stan gained +10, then joined the staff: staff are not advocates.
    services.cast_vote(post=reply(ask(category=questions, author=member), stan), voter=voters[0])
    grant_role(member=stan, role="staff", title="Acme Support")
    # olga: +10, then her vote was taken back: nothing gained.
    olgas = reply(ask(category=questions, author=member), olga)
    services.cast_vote(post=olgas, voter=voters[1])
    services.retract_vote(post=olgas, voter=voters[1])

    forum = figures_for(staff_member, now)
    in_help = figures_for(staff_member, now, category_slug="help")

    assert [(m.username, m.points) for m in forum.advocates] == [("bruno", 35), ("carol", 20), ("alice", 2)]
    assert [(m.username, m.points) for m in in_help.advocates] == [("bruno", 35), ("alice", 2)]


def test_top_advocates_stop_at_ten(ask, reply, make_member, member, staff_member, questions, now):
    voter = make_member("voter")
    thread = ask(category=questions, author=member)
    for n in range(12):
        services.cast_vote(post=reply(thread, make_member(f"helper{n:02d}")), voter=voter)

    advocates = figures_for(staff_member, now).advocates

    assert [m.username for m in advocates] == [f"helper{n:02d}" for n in range(10)]


@pytest.fixture
def ledger(make_member, staff_member, questions, ideas, discussion, staff_questions, now):
    """Ledger rows that each rule of the ranking decides on, written directly: both pages only read the ledger."""
    start_of_week = period_of(7, now=now).start

    def gain(member, amount, *, at, category=questions):
        ReputationEntry.objects.create(
            member=member, reason=ReputationEntry.Reason.REPLY_HELPFUL, amount=amount, category=category, created_at=at
        )

    for n in reversed(range(12)):  # more than the figures show; ties go to the username, not the oldest account
        gain(make_member(f"helper{n:02d}"), 10 + n // 3 * 5, at=now - hours(n + 1), category=(questions, ideas)[n % 2])
    gain(make_member("dora"), 40, at=now - timedelta(days=2), category=discussion)  # not a question category
    gain(make_member("nils"), 90, at=now - timedelta(days=1), category=None)  # written before categories were
    gain(make_member("ines"), 70, at=now - timedelta(days=3), category=staff_questions)  # a staff-only category
    gain(make_member("wendy"), 80, at=start_of_week - timedelta(minutes=1))  # the day before this week's first
    gain(make_member("olaf"), 95, at=now - timedelta(days=20))
    gain(make_member("gone", is_active=False), 99, at=now - timedelta(days=1))
    gain(staff_member, 500, at=now - timedelta(days=1))
    reversed_ = make_member("rita")
    gain(reversed_, 60, at=now - timedelta(days=12))
    gain(reversed_, -60, at=now - timedelta(days=1))  # taken back this week: counts against this week


@pytest.mark.parametrize("viewer", ["staff_member", "moderator"])
@pytest.mark.parametrize(("days", "category"), [(7, ""), (30, ""), (30, "help"), (7, "internal-questions")])
def test_the_top_advocates_are_the_leaderboards_first_entries_for_the_same_period_and_category(
    client, request, ledger, viewer, days, category
):
    client.force_login(request.getfixturevalue(viewer))

    figures = client.get(FIGURES, {"period": days, "category": category}).context["figures"]
    board = client.get("/leaderboard/", {"period": days, "category": category}).context["advocates"]

    on_figures = [(m.username, m.points) for m in figures.advocates]
    assert on_figures  # a ranking to compare, not two empty lists
    assert on_figures == [(s.member.username, s.points) for s in board][:10]


def test_the_top_advocates_of_the_week_follow_the_one_rule(client, staff_member, ledger):
    client.force_login(staff_member)

    advocates = client.get(FIGURES, {"period": 7}).context["figures"].advocates

    assert [(m.username, m.points) for m in advocates] == [
        ("nils", 90),  # no category: counted for the whole forum
        ("ines", 70),  # a staff-only category that staff read
        ("dora", 40),  # any category counts, not only question categories
        ("helper09", 25),
        ("helper10", 25),
        ("helper11", 25),
        ("helper06", 20),
        ("helper07", 20),
        ("helper08", 20),
        ("helper03", 15),
    ]  # not wendy (before the first day), olaf (too old), gone (inactive), sophie (staff), rita (-60 this week)


# The period -----------------------------------------------------------------------------------


def test_a_question_older_than_the_period_is_not_counted(ask, member, staff_member, questions, now):
    ask(category=questions, author=member, at=now - timedelta(days=31))
    ask(category=questions, author=member, at=now - timedelta(days=29))
    ask(category=questions, author=member, at=now - timedelta(days=6))

    asked = {days: figures_for(staff_member, now, days=days).forum.asked for days in (7, 30, 90)}

    assert asked == {7: 1, 30: 2, 90: 3}


def test_the_period_starts_at_local_midnight_of_its_first_day(ask, member, staff_member, questions, now):
    start = period_of(30, now=now).start
    ask(category=questions, author=member, at=start, title="Asked at the first midnight")
    ask(category=questions, author=member, at=start - timedelta(seconds=1), title="Asked a second before")

    page = figures_for(staff_member, now, days=30)

    assert page.forum.asked == 1
    assert timezone.localtime(start).time().isoformat() == "00:00:00"
    assert (page.period.last_day - page.period.first_day).days == 29


def test_an_unknown_period_falls_back_to_thirty_days(client, staff_member):
    client.force_login(staff_member)

    response = client.get(FIGURES, {"period": "365"})

    assert response.context["figures"].period.days == 30


# The time series ------------------------------------------------------------------------------


def test_questions_are_counted_per_day_with_the_share_answered_within_target(
    ask, reply, member, staff_member, questions, now
):
    today = timezone.localdate(now)
    two_days_ago = period_of(3, now=now).start  # local midnight, two days before today
    for after in (2, 30):  # one within the 24-hour target, one late
        reply(ask(category=questions, author=member, at=two_days_ago + hours(1)), staff_member, after=hours(after))
    ask(category=questions, author=member, at=two_days_ago + hours(3))  # never answered: late

    chart = figures_for(staff_member, now, days=7).chart

    assert [b.start for b in chart.buckets] == [today - timedelta(days=n) for n in range(6, -1, -1)]
    assert [b.asked for b in chart.buckets] == [0, 0, 0, 0, 3, 0, 0]
    day = chart.buckets[4]
    assert (day.within_target, day.target_counted, day.share) == (1, 3, 33)
    assert [dot.bucket.start for dot in chart.dots] == [day.start]
    assert len(chart.bars) == 7


def test_ninety_days_are_drawn_one_bar_a_week(ask, member, staff_member, questions, now):
    ask(category=questions, author=member, at=now - timedelta(days=80))
    ask(category=questions, author=member, at=now - timedelta(days=1))

    chart = figures_for(staff_member, now, days=90).chart

    assert chart.weekly
    assert all(b.start.weekday() == 0 for b in chart.buckets[1:])
    assert all((b.end - b.start).days <= 6 for b in chart.buckets)
    assert chart.buckets[0].start == timezone.localdate(now) - timedelta(days=89)
    assert chart.buckets[-1].end == timezone.localdate(now)
    assert sum(b.asked for b in chart.buckets) == 2


# Who sees which categories ----------------------------------------------------------------------


def test_staff_only_categories_are_left_out_for_members_and_counted_for_moderators(
    ask, member, staff_member, moderator, questions, staff_questions, now
):
    ask(category=questions, author=member)
    ask(category=staff_questions, author=staff_member)

    for_member = figures_for(member, now)
    for_moderator = figures_for(moderator, now)

    assert [f.category.slug for f in for_member.by_category] == ["help"]
    assert for_member.forum.asked == 1
    assert [f.category.slug for f in for_moderator.by_category] == ["help", "internal-questions"]
    assert for_moderator.forum.asked == 2


def test_a_moderator_sees_staff_only_categories_on_the_page(client, ask, member, moderator, staff_questions):
    ask(category=staff_questions, author=moderator, title="Internal: how do we handle refunds?")
    client.force_login(moderator)

    html = client.get(FIGURES).content.decode()
    assert "Internal Questions" in html
    assert client.get(FIGURES, {"category": "internal-questions"}).status_code == 200


def test_a_category_that_is_not_a_readable_question_category_is_not_found(client, staff_member, discussion):
    client.force_login(staff_member)

    assert client.get(FIGURES, {"category": "general"}).status_code == 404
    assert client.get(FIGURES, {"category": "no-such-thing"}).status_code == 404
    assert client.get(CSV, {"category": "no-such-thing"}).status_code == 404


# The page and the CSV -------------------------------------------------------------------------


@pytest.fixture
def dataset(ask, reply, accept, member, other_member, staff_member, questions, ideas, asked_at):
    """help: five questions answered after 1, 2, 3, 4, 10 hours (staff on the last), one accepted; how-to: one."""
    threads = []
    for n in (1, 2, 3, 4):
        thread = ask(category=questions, author=member, at=asked_at)
        threads.append(thread)
        reply(thread, other_member, after=hours(n))
    official = ask(category=questions, author=member, at=asked_at)
    accept(reply(official, staff_member, after=hours(10)), member, after=hours(12))
    ask(category=ideas, author=member, at=asked_at)
    return threads


def figure_values(html: str) -> dict[str, str]:
    return {key: " ".join(value.split()) for key, value in re.findall(r'data-figure="([^"]+)">([^<]*)<', html)}


def csv_table(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_page_shows_the_figures_of_the_period(client, staff_member, dataset):
    client.force_login(staff_member)

    response = client.get(FIGURES, {"period": "7"})

    assert response.status_code == 200
    shown = figure_values(response.content.decode())
    assert shown["asked"] == "6"
    assert shown["unanswered"] == "1"
    assert (shown["first-reply-median"], shown["first-reply-p90"]) == ("3 h", "10 h")
    assert (shown["first-official-median"], shown["accepted-median"]) == ("10 h", "12 h")
    assert (shown["accepted-members"], shown["accepted-staff"]) == ("0", "1")
    assert shown["within-target"] == "20 %"  # help: 5 counted (24 hours passed), the official reply in time


def test_the_csv_has_one_row_per_figure_matching_the_page(client, staff_member, dataset):
    client.force_login(staff_member)
    page = figure_values(client.get(FIGURES, {"period": "7"}).content.decode())

    response = client.get(CSV, {"period": "7"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="figures-forum-7d-')
    header, *rows = csv_table(response)
    assert header == ["Category", "Figure", "Value", "Unit", "Shown as"]
    forum = {figure: (value, shown) for scope, figure, value, unit, shown in rows if scope == "Whole forum"}
    assert forum["Questions asked"] == ("6", page["asked"])
    assert forum["Unanswered questions"] == ("1", page["unanswered"])
    assert forum["Time to first reply, median"] == ("3.0", page["first-reply-median"])
    assert forum["Time to first reply, p90"] == ("10.0", page["first-reply-p90"])
    assert forum["Time to first official response, median"] == ("10.0", page["first-official-median"])
    assert forum["Time to accepted answer, median"] == ("12.0", page["accepted-median"])
    assert forum["Accepted answers by members"][0] == page["accepted-members"]
    assert forum["Accepted answers by staff"][0] == page["accepted-staff"]
    assert forum["Answered within target"] == ("20", page["within-target"])
    assert forum["Reports opened"] == ("0", "0")
    help_rows = {figure: value for scope, figure, value, unit, shown in rows if scope == "Help"}
    assert help_rows["Questions asked"] == "5"
    assert {scope for scope, *_ in rows} == {"Whole forum", "Help", "How To"}
    daily = [row for row in rows if row[1].startswith("Questions asked on ")]
    assert len(daily) == 7
    assert sum(int(row[2]) for row in daily) == 6


def test_the_csv_for_one_category_has_that_categorys_figures_only(client, staff_member, dataset):
    client.force_login(staff_member)

    response = client.get(CSV, {"period": "30", "category": "how-to"})

    assert response["Content-Disposition"].startswith('attachment; filename="figures-how-to-30d-')
    _header, *rows = csv_table(response)
    assert {scope for scope, *_ in rows} == {"How To"}
    assert ["How To", "Questions asked", "1", "questions", "1"] in rows


def test_the_csv_never_lets_a_name_start_a_spreadsheet_formula(
    client, make_member, staff_member, questions, ask, reply
):
    sneaky = make_member("sneaky")
    thread = ask(category=questions, author=staff_member)
    services.cast_vote(post=reply(thread, sneaky), voter=make_member("voter"))
    sneaky.username = "=HYPERLINK(1)"
    sneaky.save(update_fields=["username"])
    client.force_login(staff_member)

    rows = csv_table(client.get(CSV))

    assert ["Whole forum", "Top advocate 1", "10", "points", "'=HYPERLINK(1)"] in rows


def test_a_period_without_questions_shows_an_empty_state(client, staff_member, ask, member, questions, now):
    ask(category=questions, author=member, at=now - timedelta(days=40))
    client.force_login(staff_member)

    html = client.get(FIGURES, {"period": "30"}).content.decode()

    assert "No questions were asked here in the last 30 days." in html
    assert not re.search(r'<svg[^>]*role="img"', html)  # no chart (the header's icons are not charts)


def test_the_charts_are_accessible_svg_with_a_title_per_bar_and_point(client, staff_member, dataset):
    client.force_login(staff_member)

    html = client.get(FIGURES, {"period": "7"}).content.decode()

    svgs = re.findall(r'<svg[^>]*role="img"[^>]*>.*?</svg>', html, re.S)  # the charts, not the icons
    # Questions asked, answered within target (help has a target), and answered first by members.
    assert len(svgs) == 3
    for svg in svgs:
        assert 'role="img"' in svg
        assert "aria-labelledby" not in svg  # it would replace the aria-label's summary as the name
        assert re.search(r'aria-label="[^"]{20,}"', svg)
        assert "<script" not in svg
    bars, *shares = svgs
    assert bars.count("<rect") == bars.count("<title>") == 7
    for points in shares:
        assert points.count("<circle") == points.count("<title>") >= 1


def test_numbers_in_the_charts_stay_valid_svg_in_french(client, staff_member, dataset):
    client.force_login(staff_member)
    client.cookies["django_language"] = "fr"

    response = client.get(FIGURES, {"period": "7"}, HTTP_ACCEPT_LANGUAGE="fr")

    html = response.content.decode()
    assert '<html lang="fr"' in html
    for svg in re.findall(r"<svg.*?</svg>", html, re.S):
        numbers = re.findall(r'\s(?:x|y|x1|x2|y1|y2|width|height|cx|cy|r)="([^"]*)"', svg)
        assert numbers
        assert all(re.fullmatch(r"-?\d+(\.\d+)?", n) for n in numbers), numbers
        assert all("," not in d for d in re.findall(r'\sd="([^"]*)"', svg))


@pytest.fixture
def fill(
    make_member, make_category, ask, reply, accept, member, moderator, staff_member, questions, ideas, staff_questions
):
    """Add `count` questions over three categories, each with replies, votes, a report, some accepted,
    and as many ideas, some with a status."""
    counter = iter(range(100_000))
    voters = [make_member(f"voter{n}") for n in range(2)]
    proposals = make_category("proposals", kind=Category.Kind.IDEAS)
    statuses = [Status.UNDER_REVIEW, Status.PLANNED, Status.DECLINED]

    def add(count):
        for _ in range(count):
            n = next(counter)
            helper = make_member(f"helper{n:03d}")
            idea = ask(category=proposals, author=member, at=timezone.now() - hours(n * 5 + 12))
            if n % 4:
                set_idea_status(thread=idea, by=staff_member, status=statuses[n % 3], note="Looked at closely.")
            if n % 3 == 2:  # staff only: only staff and moderators take part
                thread = ask(category=staff_questions, author=staff_member, at=timezone.now() - hours(n * 5 + 12))
                answer = reply(thread, moderator, after=hours(1))
                continue
            thread = ask(category=(questions, ideas)[n % 3], author=member, at=timezone.now() - hours(n * 5 + 12))
            answer = reply(thread, helper, after=hours(1))
            reply(thread, staff_member, after=hours(n % 7 + 2))
            if n % 2:
                accept(answer, member, after=hours(n % 5 + 3))
            services.cast_vote(post=answer, voter=voters[n % 2])
            file_report(reporter=voters[n % 2], reason=Report.Reason.SPAM, post=answer)

    return add


def test_the_page_costs_a_fixed_number_of_queries_whatever_the_data(
    client, moderator, fill, django_assert_max_num_queries
):
    client.force_login(moderator)
    client.get(FIGURES)  # the first request also caches that there is no announcement
    requests = [(FIGURES, {}), (FIGURES, {"period": "90"}), (FIGURES, {"period": "7", "category": "help"}), (CSV, {})]

    def counts():
        found = []
        for path, params in requests:
            # 18 for the whole forum: 13 for the questions, the advocates, the chart and the reports,
            # 2 for who answers (the times to a first answer by members and by staff; the invitations
            # to answer sent, answered and accepted), and 3 for the ideas (their categories, the
            # ideas per status, the time to a first status).
            with django_assert_max_num_queries(18) as queries:
                assert client.get(path, params).status_code == 200
            found.append(len(queries))
        return found

    fill(3)
    few = counts()
    fill(24)
    many = counts()

    assert many == few


# Durations as people read them ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (None, "—"),
        (timedelta(seconds=20), "under a minute"),
        (timedelta(minutes=45), "45 min"),
        (timedelta(hours=3), "3 h"),
        (timedelta(hours=3, minutes=20), "3 h 20 min"),
        (timedelta(hours=3, minutes=19, seconds=40), "3 h 20 min"),
        (timedelta(days=1, hours=4, minutes=10), "1 day 4 h"),
        (timedelta(days=2), "2 days"),
        (timedelta(days=2, hours=23, minutes=40), "3 days"),
        (timedelta(days=12, hours=5), "12 days"),
    ],
)
def test_durations_read_as_minutes_hours_or_days(duration, text):
    with translation.override("en"):
        assert human_duration(duration) == text


def test_hidden_questions_are_not_counted(ask, member, moderator, staff_member, questions, now):
    hidden = ask(category=questions, author=member)
    ask(category=questions, author=member)
    services.set_post_visibility(
        post=hidden.posts.get(is_opening=True), by=moderator, visibility=Visibility.HIDDEN, reason="spam"
    )

    assert figures_for(staff_member, now).forum.asked == 1
