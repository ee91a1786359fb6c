"""A restore undoes a hide or a delete: the reporters who were told "hidden" hear the new outcome.

Each reporter keeps one notification per report, which always says the report's current
outcome and comes back unread when that outcome changes.
"""

import pytest

from moderation import actions
from moderation.models import Report
from moderation.reports import file_report
from notifications import messages
from notifications.models import Kind, Notification


@pytest.fixture
def reported_reply(reply, reporters):
    for reporter in reporters[:2]:
        file_report(reporter=reporter, reason=Report.Reason.SPAM, post=reply)
    return reply


def test_restoring_a_hidden_post_tells_each_reporter_it_was_restored_in_the_same_notification(
    reported_reply, moderator, reporters, notified
):
    actions.hide_post(post=reported_reply, by=moderator, reason="Advertising")
    Notification.objects.filter(kind=Kind.REPORT_RESOLVED).update(read_at="2024-01-01T00:00:00Z")

    actions.restore_post(post=reported_reply, by=moderator, reason="The link is fine after all")

    for reporter in reporters[:2]:
        [told] = notified(reporter, Kind.REPORT_RESOLVED)
        assert told.data["outcome"] == "restored"
        assert told.read_at is None
        assert "restored" in messages.text(told)
        assert "hidden" not in messages.text(told)
    assert set(Report.objects.values_list("status", "outcome")) == {(Report.Status.RESOLVED, "restored")}


def test_the_reporters_notification_page_no_longer_says_hidden_after_a_restore(
    client_for, reported_reply, moderator, reporters
):
    actions.hide_post(post=reported_reply, by=moderator)
    actions.restore_post(post=reported_reply, by=moderator)

    page = client_for(reporters[0]).get("/notifications/").content.decode()

    assert "the post was restored" in page
    assert "the post was hidden" not in page


def test_restoring_a_hidden_opening_post_gives_the_thread_back_to_the_reporters_notification(
    thread, opening, moderator, reporters, notified
):
    file_report(reporter=reporters[0], reason=Report.Reason.OFF_TOPIC, thread=thread)
    actions.hide_post(post=opening, by=moderator)
    assert notified(reporters[0], Kind.REPORT_RESOLVED)[0].thread is None  # unreadable while hidden

    actions.restore_post(post=opening, by=moderator)

    [told] = notified(reporters[0], Kind.REPORT_RESOLVED)
    assert (told.data["outcome"], told.thread) == ("restored", thread)


def test_an_admin_undeleting_a_post_tells_the_reporters_it_was_restored(
    reported_reply, moderator, admin_member, reporters, notified
):
    actions.delete_post(post=reported_reply, by=moderator)

    actions.restore_post(post=reported_reply, by=admin_member)

    assert [n.data["outcome"] for n in notified(reporters[0], Kind.REPORT_RESOLVED)] == ["restored"]


def test_restoring_a_post_whose_reports_were_dismissed_tells_the_reporters_nothing_new(
    reported_reply, moderator, reporters, notified
):
    actions.dismiss_reports(target=f"post:{reported_reply.pk}", by=moderator)
    actions.hide_post(post=reported_reply, by=moderator)  # later, without a report

    actions.restore_post(post=reported_reply, by=moderator)

    assert [n.data["outcome"] for n in notified(reporters[0], Kind.REPORT_RESOLVED)] == ["dismissed"]


def test_an_auto_hidden_post_restored_by_a_moderator_resolves_its_open_reports_as_restored(
    reply, reporters, moderator, settings, notified
):
    settings.AUTO_HIDE_REPORTS = 2
    for reporter in reporters[:2]:
        file_report(reporter=reporter, reason=Report.Reason.SPAM, post=reply)

    actions.restore_post(post=reply, by=moderator)

    assert [n.data["outcome"] for n in notified(reporters[0], Kind.REPORT_RESOLVED)] == ["restored"]
