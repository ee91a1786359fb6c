"""Members report posts, threads and profiles; reports on one target group together in the queue.

The service (moderation.reports.file_report) and the page (/report/) are both
checked: the rows written, the answer a member gets, what moderators see and
hear, and what the reporters are told when the reports are resolved.
"""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from forum.models import Post, Visibility
from moderation import actions
from moderation.models import Action, Report
from moderation.reports import file_report
from moderation.selectors import queue_page
from notifications import messages
from notifications.models import Kind
from tests.forum.parsed import parse_html
from tests.notifications.test_socket import session_cookie_for, socket

# Filing -------------------------------------------------------------------------------------


def test_a_member_reports_a_post(reply, member):
    report = file_report(reporter=member, reason=Report.Reason.SPAM, post=reply)

    assert report.target == f"post:{reply.pk}"
    assert (report.post, report.thread, report.member) == (reply, reply.thread, reply.author)
    assert (report.status, report.reason) == (Report.Status.OPEN, "spam")


def test_a_member_reports_a_thread(thread, other_member):
    report = file_report(reporter=other_member, reason=Report.Reason.OFF_TOPIC, thread=thread)

    assert report.target == f"thread:{thread.pk}"
    assert (report.post, report.thread, report.member) == (None, thread, thread.author)


def test_a_member_reports_a_profile(member, other_member):
    report = file_report(
        reporter=member, reason=Report.Reason.OTHER, text="Impersonates the brand", member=other_member
    )

    assert report.target == f"member:{other_member.pk}"
    assert (report.post, report.thread, report.member) == (None, None, other_member)
    assert report.text == "Impersonates the brand"


@pytest.mark.parametrize(
    ("target", "field", "value"),
    [
        ("post", "post", lambda w: w["reply"].pk),
        ("thread", "thread", lambda w: w["thread"].pk),
        ("profile", "member", lambda w: w["other_member"].username),
    ],
)
def test_the_report_page_files_a_report_and_sends_the_member_back(
    client_for, reporters, other_member, thread, reply, target, field, value
):
    world = {"reply": reply, "thread": thread, "other_member": other_member}
    browser = client_for(reporters[0])

    form = browser.get("/report/", {field: value(world)})
    response = browser.post("/report/", {field: value(world), "reason": "abuse", "text": ""})

    assert form.status_code == 200
    assert "Report to the moderators" in form.content.decode()
    assert response.status_code == 302
    report = Report.objects.get(reporter=reporters[0])
    assert report.reason == "abuse"
    assert report.target.startswith({"post": "post:", "thread": "thread:", "profile": "member:"}[target])


def test_a_visitor_is_sent_to_log_in_before_reporting(client, reply):
    response = client.post("/report/", {"post": reply.pk, "reason": "spam"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Report.objects.exists()


def test_a_report_without_a_target_is_a_bad_request(client_for, member):
    assert client_for(member).post("/report/", {"reason": "spam"}).status_code == 400


@pytest.mark.parametrize("value", ["²", "1x", "-1", ""])
def test_a_malformed_id_in_the_report_link_is_a_bad_request(client_for, member, value):
    assert client_for(member).get("/report/", {"post": value}).status_code == 400
    assert client_for(member).get("/report/", {"thread": value}).status_code == 400


def test_a_report_on_a_post_that_does_not_exist_is_not_found(client_for, member):
    assert client_for(member).get("/report/", {"post": 999_999}).status_code == 404


# Reasons ------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "rude", None])
def test_a_report_needs_one_of_the_reasons(reply, member, reason):
    with pytest.raises(ValidationError) as refused:
        file_report(reporter=member, reason=reason, post=reply)

    assert refused.value.code == "reason"
    assert not Report.objects.exists()


def test_other_needs_a_text(reply, member):
    with pytest.raises(ValidationError) as refused:
        file_report(reporter=member, reason=Report.Reason.OTHER, text="   ", post=reply)

    assert refused.value.code == "text"
    assert not Report.objects.exists()


def test_other_with_a_text_is_accepted(reply, member):
    report = file_report(reporter=member, reason=Report.Reason.OTHER, text="Copied from my blog", post=reply)

    assert report.text == "Copied from my blog"


def test_every_listed_reason_is_accepted(make_member, reply):
    for reason in ("spam", "abuse", "off_topic", "needs_staff"):
        file_report(reporter=make_member(), reason=reason, post=reply)

    assert sorted(Report.objects.values_list("reason", flat=True)) == ["abuse", "needs_staff", "off_topic", "spam"]


def test_the_report_page_without_a_reason_shows_the_form_again(client_for, member, reply):
    response = client_for(member).post("/report/", {"post": reply.pk, "text": "bad"})

    assert response.status_code == 400
    assert not Report.objects.exists()


def test_the_report_page_asks_for_details_when_the_reason_is_other(client_for, member, reply):
    response = client_for(member).post("/report/", {"post": reply.pk, "reason": "other", "text": ""})

    assert response.status_code == 400
    assert "Tell the moderators what is wrong." in response.content.decode()
    assert not Report.objects.exists()


# One open report per reporter and target ------------------------------------------------------


def test_a_second_open_report_on_the_same_target_is_refused(reply, member):
    file_report(reporter=member, reason=Report.Reason.SPAM, post=reply)

    with pytest.raises(ValidationError) as refused:
        file_report(reporter=member, reason=Report.Reason.ABUSE, post=reply)

    assert refused.value.code == "duplicate"
    assert Report.objects.count() == 1


def test_the_report_page_says_the_post_was_already_reported(client_for, member, reply):
    browser = client_for(member)
    browser.post("/report/", {"post": reply.pk, "reason": "spam"})

    response = browser.post("/report/", {"post": reply.pk, "reason": "abuse"})

    assert response.status_code == 400
    assert "You have already reported this" in response.content.decode()
    assert Report.objects.count() == 1


def test_the_same_member_may_report_again_once_the_first_report_is_resolved(reply, member, moderator):
    file_report(reporter=member, reason=Report.Reason.SPAM, post=reply)
    actions.dismiss_reports(target=f"post:{reply.pk}", by=moderator)

    file_report(reporter=member, reason=Report.Reason.SPAM, post=reply)

    assert list(Report.objects.order_by("id").values_list("status", flat=True)) == ["dismissed", "open"]


def test_reports_on_different_targets_by_one_member_are_all_accepted(thread, opening, reply, other_member, member):
    file_report(reporter=other_member, reason=Report.Reason.SPAM, post=opening)
    file_report(reporter=other_member, reason=Report.Reason.SPAM, thread=thread)
    file_report(reporter=member, reason=Report.Reason.SPAM, post=reply)

    assert Report.objects.count() == 3


# At most 20 reports a day ---------------------------------------------------------------------


@pytest.fixture
def many_posts(thread, make_member):
    """21 replies by other members, to report one by one."""
    author = make_member("prolific")
    return Post.objects.bulk_create(
        Post(thread=thread, author=author, body=f"Reply {n}", body_html=f"<p>Reply {n}</p>") for n in range(21)
    )


def test_the_twenty_first_report_in_a_day_is_refused(many_posts, member):
    for post in many_posts[:20]:
        file_report(reporter=member, reason=Report.Reason.SPAM, post=post)

    with pytest.raises(PermissionDenied, match="20 reports today"):
        file_report(reporter=member, reason=Report.Reason.SPAM, post=many_posts[20])

    assert Report.objects.filter(reporter=member).count() == 20


def test_the_report_page_refuses_the_twenty_first_report_with_the_reason(many_posts, member, client_for):
    for post in many_posts[:20]:
        file_report(reporter=member, reason=Report.Reason.SPAM, post=post)

    response = client_for(member).post("/report/", {"post": many_posts[20].pk, "reason": "spam"})

    assert response.status_code == 403
    assert "20 reports today" in response.content.decode()
    assert Report.objects.filter(reporter=member).count() == 20


def test_reports_older_than_a_day_do_not_count_against_the_limit(many_posts, member):
    for post in many_posts[:20]:
        file_report(reporter=member, reason=Report.Reason.SPAM, post=post)
    Report.objects.filter(reporter=member).update(created_at=timezone.now() - timedelta(hours=25))

    file_report(reporter=member, reason=Report.Reason.SPAM, post=many_posts[20])

    assert Report.objects.filter(reporter=member).count() == 21


def test_the_daily_limit_is_per_member(many_posts, member, other_member):
    for post in many_posts[:20]:
        file_report(reporter=member, reason=Report.Reason.SPAM, post=post)

    file_report(reporter=other_member, reason=Report.Reason.SPAM, post=many_posts[20])

    assert Report.objects.filter(reporter=other_member).count() == 1


# What may not be reported ---------------------------------------------------------------------


def test_a_member_cannot_report_their_own_post_thread_or_profile(thread, opening, member):
    for target in ({"post": opening}, {"thread": thread}, {"member": member}):
        with pytest.raises(PermissionDenied, match="your own content"):
            file_report(reporter=member, reason=Report.Reason.SPAM, **target)

    assert not Report.objects.exists()


def test_the_report_page_refuses_own_content(client_for, member, opening):
    response = client_for(member).post("/report/", {"post": opening.pk, "reason": "spam"})

    assert response.status_code == 403
    assert not Report.objects.exists()


@pytest.fixture
def secret(make_thread, staff_category, staff_member):
    return make_thread(category=staff_category, author=staff_member, title="Secret roadmap for next year")


def test_staff_only_content_cannot_be_reported_by_a_member(secret, member):
    for target in ({"post": secret.posts.get()}, {"thread": secret}):
        with pytest.raises(Http404):
            file_report(reporter=member, reason=Report.Reason.SPAM, **target)

    assert not Report.objects.exists()


def test_the_report_page_does_not_show_staff_only_content_to_a_member(client_for, member, secret):
    browser = client_for(member)
    post = secret.posts.get()

    for query in ({"post": post.pk}, {"thread": secret.pk}):
        form = browser.get("/report/", query)
        sent = browser.post("/report/", {**query, "reason": "spam"})

        assert form.status_code == 404, query
        assert "Secret roadmap" not in form.content.decode()
        assert sent.status_code == 404, query
    assert not Report.objects.exists()


def test_staff_only_content_can_be_reported_by_a_moderator(secret, moderator):
    file_report(reporter=moderator, reason=Report.Reason.NEEDS_STAFF, post=secret.posts.get())

    assert Report.objects.filter(reporter=moderator).count() == 1


def test_a_suspended_member_cannot_report(reply, suspended_member, client_for):
    with pytest.raises(PermissionDenied, match="suspended"):
        file_report(reporter=suspended_member, reason=Report.Reason.SPAM, post=reply)
    response = client_for(suspended_member).post("/report/", {"post": reply.pk, "reason": "spam"})

    assert response.status_code == 403
    assert "suspended" in response.content.decode()
    assert not Report.objects.exists()


def test_a_deactivated_profile_cannot_be_reported(client_for, member, other_member):
    other_member.is_active = False
    other_member.save(update_fields=["is_active"])

    response = client_for(member).post("/report/", {"member": other_member.username, "reason": "spam"})

    assert response.status_code == 404
    assert not Report.objects.exists()


# Grouping in the queue ------------------------------------------------------------------------


def test_reports_on_the_same_target_group_together(reply, opening, reporters, member):
    file_report(reporter=reporters[0], reason=Report.Reason.SPAM, post=reply)
    file_report(reporter=reporters[1], reason=Report.Reason.ABUSE, post=reply)
    file_report(reporter=reporters[0], reason=Report.Reason.OFF_TOPIC, post=opening)
    file_report(reporter=reporters[0], reason=Report.Reason.OTHER, text="Fake name", member=reply.author)

    items = {item.target: item for item in queue_page()}

    assert set(items) == {f"post:{reply.pk}", f"post:{opening.pk}", f"member:{reply.author.pk}"}
    grouped = items[f"post:{reply.pk}"]
    assert (grouped.reports, grouped.reporters) == (2, 2)
    assert grouped.reasons == {"Spam": 1, "Abuse or harassment": 1}
    assert grouped.post == reply
    assert items[f"member:{reply.author.pk}"].texts == [(reporters[0], "Fake name")]


def test_the_queue_page_shows_each_group_once_with_reasons_reporters_and_content(
    client_for, reply, reporters, moderator
):
    file_report(reporter=reporters[0], reason=Report.Reason.SPAM, post=reply)
    file_report(reporter=reporters[1], reason=Report.Reason.OTHER, text="Advertises a shop", post=reply)

    page = parse_html(client_for(moderator).get("/mod/").content)

    items = page.find_all("article", class_="queue-item")
    assert len(items) == 1
    text = " ".join(items[0].text.split())
    assert "2 members reported it" in text
    assert "Spam × 1" in text
    assert "Other × 1" in text
    assert "Reporter 2: Advertises a shop" in text
    assert "Buy the cheapest one from my shop" in text  # the reported content itself


def test_the_queue_lists_the_oldest_report_first(make_thread, discussion, member, reporters):
    threads = [make_thread(category=discussion, author=member, title=f"Thread {n} for the queue") for n in range(3)]
    for n, thread in enumerate(threads):
        report = file_report(reporter=reporters[0], reason=Report.Reason.SPAM, thread=thread)
        Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(hours=n))

    order = [item.target for item in queue_page()]

    assert order == [f"thread:{t.pk}" for t in reversed(threads)]


def test_resolved_reports_leave_the_queue(reply, reporters, moderator):
    file_report(reporter=reporters[0], reason=Report.Reason.SPAM, post=reply)
    actions.dismiss_reports(target=f"post:{reply.pk}", by=moderator)

    assert list(queue_page()) == []


def test_the_queue_filters_by_reason_and_by_category(
    make_thread, discussion, lounge, member, reporters, moderator, client_for
):
    general = make_thread(category=discussion, author=member, title="Spam in general")
    lounging = make_thread(category=lounge, author=member, title="Abuse in the lounge")
    file_report(reporter=reporters[0], reason=Report.Reason.SPAM, thread=general)
    file_report(reporter=reporters[1], reason=Report.Reason.ABUSE, thread=general)
    file_report(reporter=reporters[0], reason=Report.Reason.ABUSE, thread=lounging)
    file_report(reporter=reporters[0], reason=Report.Reason.SPAM, member=member)
    browser = client_for(moderator)

    def headings(**query):
        page = parse_html(browser.get("/mod/", query).content)
        return [" ".join(h.text.split()) for h in page.find_all("h2", within="queue-item")]

    assert [item.target for item in queue_page(reason="spam")] == [f"thread:{general.pk}", f"member:{member.pk}"]
    assert [item.target for item in queue_page(reason="abuse")] == [f"thread:{general.pk}", f"thread:{lounging.pk}"]
    assert [item.target for item in queue_page(category="lounge")] == [f"thread:{lounging.pk}"]
    assert headings(reason="abuse", category="general") == ["Thread: Spam in general"]
    assert headings(reason="spam") == ["Thread: Spam in general", "Member: Alice Martin"]
    assert len(headings()) == 3
    assert len(headings(reason="nonsense")) == 3  # an unknown reason is no filter


# Automatic hiding at the third distinct reporter ----------------------------------------------------


def test_a_post_reported_by_three_members_is_hidden_until_a_moderator_decides(reply, reporters, notified):
    for reporter in reporters[:2]:
        file_report(reporter=reporter, reason=Report.Reason.SPAM, post=reply)
        reply.refresh_from_db()
        assert reply.visibility == Visibility.VISIBLE

    file_report(reporter=reporters[2], reason=Report.Reason.SPAM, post=reply)

    reply.refresh_from_db()
    assert reply.visibility == Visibility.HIDDEN
    assert "Hidden automatically" in reply.moderation_reason
    action = Action.objects.get(kind=Action.Kind.AUTO_HIDE)
    assert (action.actor, action.post, action.member, action.target) == (None, reply, reply.author, f"post:{reply.pk}")
    assert [n.kind for n in notified(reply.author, Kind.POST_HIDDEN)] == [Kind.POST_HIDDEN]
    # Still open: hiding automatically is not a decision.
    assert Report.objects.filter(status=Report.Status.OPEN).count() == 3


def test_the_same_reporter_twice_does_not_count_as_two(reply, reporters, moderator):
    file_report(reporter=reporters[0], reason=Report.Reason.SPAM, post=reply)
    actions.dismiss_reports(target=f"post:{reply.pk}", by=moderator)
    file_report(reporter=reporters[0], reason=Report.Reason.SPAM, post=reply)
    with pytest.raises(ValidationError):
        file_report(reporter=reporters[0], reason=Report.Reason.ABUSE, post=reply)
    file_report(reporter=reporters[1], reason=Report.Reason.SPAM, post=reply)

    reply.refresh_from_db()
    assert reply.visibility == Visibility.VISIBLE
    assert not Action.objects.filter(kind=Action.Kind.AUTO_HIDE).exists()


def test_reports_on_the_thread_do_not_count_towards_hiding_its_opening_post(thread, opening, reporters):
    for reporter in reporters:
        file_report(reporter=reporter, reason=Report.Reason.SPAM, thread=thread)

    opening.refresh_from_db()
    assert opening.visibility == Visibility.VISIBLE


def test_an_automatically_hidden_opening_post_hides_its_thread_from_the_lists(thread, opening, reporters, client):
    for reporter in reporters:
        file_report(reporter=reporter, reason=Report.Reason.SPAM, post=opening)

    thread.refresh_from_db()
    assert thread.visibility == Visibility.HIDDEN
    assert "Which lamp for a reading corner" not in client.get("/").content.decode()


def test_the_automatically_hidden_post_is_first_in_the_queue(make_thread, discussion, member, reply, reporters):
    older = make_thread(category=discussion, author=member, title="Reported long ago")
    report = file_report(reporter=reporters[0], reason=Report.Reason.OFF_TOPIC, thread=older)
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(days=1))
    for reporter in reporters:
        file_report(reporter=reporter, reason=Report.Reason.SPAM, post=reply)

    items = list(queue_page())

    assert [item.target for item in items] == [f"post:{reply.pk}", f"thread:{older.pk}"]
    assert items[0].auto_hidden is True
    assert items[1].auto_hidden is False


def test_the_queue_page_marks_the_automatically_hidden_post(client_for, moderator, reply, reporters):
    for reporter in reporters:
        file_report(reporter=reporter, reason=Report.Reason.SPAM, post=reply)

    page = parse_html(client_for(moderator).get("/mod/").content)

    first = page.find("article", class_="queue-item")
    assert "is-auto-hidden" in first.classes
    assert "Hidden automatically" in first.text
    assert "3 members reported it" in " ".join(first.text.split())


def test_a_moderator_decision_keeps_the_automatically_hidden_post_hidden_and_closes_the_reports(
    reply, reporters, moderator
):
    for reporter in reporters:
        file_report(reporter=reporter, reason=Report.Reason.SPAM, post=reply)

    actions.hide_post(post=reply, by=moderator, reason="Advertising")

    reply.refresh_from_db()
    assert reply.visibility == Visibility.HIDDEN
    assert set(Report.objects.values_list("status", "outcome")) == {("resolved", "hidden")}
    assert list(queue_page()) == []


# Who hears about reports ------------------------------------------------------------------------


def test_moderators_and_admins_are_told_of_a_new_report(reply, member, moderator, admin_member, staff_member, notified):
    file_report(reporter=member, reason=Report.Reason.SPAM, post=reply)

    assert len(notified(moderator, Kind.NEW_REPORT)) == 1
    assert len(notified(admin_member, Kind.NEW_REPORT)) == 1
    assert notified(staff_member, Kind.NEW_REPORT) == []
    assert notified(member, Kind.NEW_REPORT) == []


def test_reporters_are_told_when_the_reports_are_dismissed(reply, reporters, moderator, notified):
    for reporter in reporters[:2]:
        file_report(reporter=reporter, reason=Report.Reason.SPAM, post=reply)

    actions.dismiss_reports(target=f"post:{reply.pk}", by=moderator, reason="Not spam")

    for reporter in reporters[:2]:
        [told] = notified(reporter, Kind.REPORT_RESOLVED)
        assert told.data["outcome"] == "dismissed"
        assert told.actor == moderator
    assert notified(reporters[2], Kind.REPORT_RESOLVED) == []


def test_reporters_are_told_when_the_reported_post_is_hidden(reply, reporters, moderator, notified):
    file_report(reporter=reporters[0], reason=Report.Reason.SPAM, post=reply)

    actions.hide_post(post=reply, by=moderator)

    [told] = notified(reporters[0], Kind.REPORT_RESOLVED)
    assert told.data["outcome"] == "hidden"


def test_reporters_are_told_when_the_reported_thread_is_hidden_with_its_opening_post(
    thread, opening, reporters, moderator, notified
):
    """The thread is no longer readable by the reporter, but they still hear what became of their report."""
    file_report(reporter=reporters[0], reason=Report.Reason.SPAM, post=opening)

    actions.hide_post(post=opening, by=moderator)

    [told] = notified(reporters[0], Kind.REPORT_RESOLVED)
    assert told.data["outcome"] == "hidden"
    assert "Which lamp for a reading corner" in messages.text(told)


def test_reporters_of_a_profile_are_told_when_the_member_is_warned(
    member, other_member, reporters, moderator, notified
):
    file_report(reporter=reporters[0], reason=Report.Reason.ABUSE, member=other_member)

    actions.warn_member(member=other_member, by=moderator, reason="Be kind")

    [told] = notified(reporters[0], Kind.REPORT_RESOLVED)
    assert told.data["outcome"] == "warned"
    assert messages.text(told) == f"Your report on “{other_member.name}” was handled: the member was warned"


# The live count for moderators ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_the_queue_count_reaches_moderators_live_and_nobody_else(member, other_member, moderator, staff_member):
    thread_maker = database_sync_to_async(_thread_with_reply)
    reply = await thread_maker(member, other_member)
    sockets = {
        name: socket(cookie=await database_sync_to_async(session_cookie_for)(person))
        for name, person in (("moderator", moderator), ("staff", staff_member), ("member", member))
    }
    try:
        for communicator in sockets.values():
            connected, _ = await communicator.connect(timeout=3)
            assert connected
            assert (await communicator.receive_json_from(timeout=3))["type"] == "hello"

        await database_sync_to_async(file_report)(reporter=member, reason=Report.Reason.SPAM, post=reply)

        received = []
        while not await sockets["moderator"].receive_nothing(timeout=0.5):
            received.append(await sockets["moderator"].receive_json_from(timeout=3))
        assert {"type": "mod.queue", "count": 1} in received
        for name in ("staff", "member"):
            while not await sockets[name].receive_nothing(timeout=0.3):
                assert (await sockets[name].receive_json_from(timeout=3))["type"] != "mod.queue", name
    finally:
        for communicator in sockets.values():
            await communicator.disconnect()
        layer = get_channel_layer()
        await layer.flush()
        if hasattr(layer, "close_pools"):
            await layer.close_pools()


def _thread_with_reply(author, replier):
    from forum import services
    from forum.models import Category

    category = Category.objects.create(slug="live", name="Live")
    thread = services.start_thread(category=category, author=author, title="A thread for live counts", body="Hi")
    return services.post_reply(thread=thread, author=replier, body="A reply to report")
