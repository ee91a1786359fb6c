"""Each moderation action, through its service and through its one-click view.

For each: the effect on the content or the member, the audit row (actor,
kind, target, reason, before/after), the open reports resolved, and who is
told. Hidden and deleted content leaves the public numbers, lists and feeds;
the author and moderators still see a hidden post, marked, with the reason.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from forum import services
from forum.counters import recount_all
from forum.models import Category, Follow, Post, Thread, Visibility, Vote
from moderation import actions
from moderation.models import Action, Report
from moderation.reports import file_report
from notifications import messages
from notifications.models import Kind
from profiles.models import Member
from tests.forum.parsed import parse_html

HIDE_REASON = "Advertising a shop"


def only_action(kind) -> Action:
    [action] = Action.objects.filter(kind=kind)
    return action


def counts(thread):
    thread = Thread.objects.select_related("category").get(pk=thread.pk)
    category = thread.category
    return {"replies": thread.reply_count, "threads": category.thread_count, "posts": category.post_count}


def counters_snapshot():
    return {
        "threads": sorted(
            Thread.objects.values_list(
                "pk", "reply_count", "last_poster", "last_activity_at", "has_official_response", "score"
            )
        ),
        "categories": sorted(Category.objects.values_list("pk", "thread_count", "post_count")),
    }


def post_article(response, post):
    """The <article> of one post on a thread page, or None."""
    page = parse_html(response.content)
    return next((a for a in page.find_all("article") if a.get("id") == f"post-{post.pk}"), None)


@pytest.fixture
def reported_reply(reply, reporters):
    for reporter in reporters[:2]:
        file_report(reporter=reporter, reason=Report.Reason.SPAM, post=reply)
    return reply


# Dismiss ------------------------------------------------------------------------------------


def test_dismissing_closes_the_reports_leaves_the_post_and_is_audited(reported_reply, moderator, reporters, notified):
    actions.dismiss_reports(target=f"post:{reported_reply.pk}", by=moderator, reason="It is a fair answer")

    reported_reply.refresh_from_db()
    assert reported_reply.visibility == Visibility.VISIBLE
    assert set(Report.objects.values_list("status", "resolved_by", "outcome")) == {
        ("dismissed", moderator.pk, "dismissed")
    }
    action = only_action(Action.Kind.DISMISS)
    assert (action.actor, action.post, action.member) == (moderator, reported_reply, reported_reply.author)
    assert (action.reason, action.after) == ("It is a fair answer", {"reports": 2})
    for reporter in reporters[:2]:
        assert len(notified(reporter, Kind.REPORT_RESOLVED)) == 1
    assert notified(reported_reply.author, Kind.POST_HIDDEN) == []


def test_dismissing_a_target_without_open_reports_writes_nothing(reply, moderator):
    assert actions.dismiss_reports(target=f"post:{reply.pk}", by=moderator) == []
    assert not Action.objects.exists()


def test_the_dismiss_button_closes_the_reports_and_returns_to_the_queue(client_for, moderator, reported_reply):
    response = client_for(moderator).post(
        "/mod/dismiss/", {"target": f"post:{reported_reply.pk}", "next": "/mod/?reason=spam"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/mod/?reason=spam"
    assert not Report.objects.filter(status=Report.Status.OPEN).exists()
    assert only_action(Action.Kind.DISMISS).actor == moderator


def test_the_dismiss_button_never_sends_the_moderator_to_another_site(client_for, moderator, reported_reply):
    response = client_for(moderator).post(
        "/mod/dismiss/", {"target": f"post:{reported_reply.pk}", "next": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/mod/"


# Hide and restore -----------------------------------------------------------------------------


def test_hiding_a_post_marks_it_audits_resolves_and_tells_author_and_reporters(
    reported_reply, moderator, reporters, notified
):
    actions.hide_post(post=reported_reply, by=moderator, reason=HIDE_REASON)

    reported_reply.refresh_from_db()
    assert (reported_reply.visibility, reported_reply.moderation_reason) == (Visibility.HIDDEN, HIDE_REASON)
    action = only_action(Action.Kind.HIDE)
    assert (action.actor, action.target, action.reason) == (moderator, f"post:{reported_reply.pk}", HIDE_REASON)
    assert (action.post, action.thread, action.member) == (reported_reply, reported_reply.thread, reported_reply.author)
    assert (action.before, action.after) == ({"visibility": "visible"}, {"visibility": "hidden"})
    assert set(Report.objects.values_list("status", "outcome")) == {("resolved", "hidden")}
    [told] = notified(reported_reply.author, Kind.POST_HIDDEN)
    assert HIDE_REASON in messages.text(told)
    for reporter in reporters[:2]:
        [resolved] = notified(reporter, Kind.REPORT_RESOLVED)
        assert resolved.data["outcome"] == "hidden"


def test_hiding_a_hidden_post_again_writes_no_second_audit_row(reply, moderator):
    actions.hide_post(post=reply, by=moderator)
    actions.hide_post(post=reply, by=moderator)

    assert Action.objects.filter(kind=Action.Kind.HIDE).count() == 1


def test_hiding_a_reply_lowers_the_thread_and_category_counts_and_restoring_raises_them(thread, reply, moderator):
    before = counts(thread)

    actions.hide_post(post=reply, by=moderator)
    hidden = counts(thread)
    actions.restore_post(post=reply, by=moderator)

    assert before == {"replies": 1, "threads": 1, "posts": 2}
    assert hidden == {"replies": 0, "threads": 1, "posts": 1}
    assert counts(thread) == before


def test_restoring_a_hidden_post_is_audited_and_tells_the_author(reply, moderator, notified):
    actions.hide_post(post=reply, by=moderator, reason=HIDE_REASON)

    actions.restore_post(post=reply, by=moderator, reason="The link is fine after all")

    reply.refresh_from_db()
    assert (reply.visibility, reply.moderation_reason) == (Visibility.VISIBLE, "")
    action = only_action(Action.Kind.RESTORE)
    assert (action.actor, action.reason) == (moderator, "The link is fine after all")
    assert (action.before, action.after) == ({"visibility": "hidden"}, {"visibility": "visible"})
    assert len(notified(reply.author, Kind.POST_RESTORED)) == 1


def test_the_hide_button_hides_the_post_with_the_reason_and_returns(client_for, moderator, reply):
    response = client_for(moderator).post(f"/mod/post/{reply.pk}/hide/", {"reason": HIDE_REASON, "next": "/mod/"})

    assert response.status_code == 302
    assert response["Location"] == "/mod/"
    reply.refresh_from_db()
    assert (reply.visibility, reply.moderation_reason) == (Visibility.HIDDEN, HIDE_REASON)
    assert only_action(Action.Kind.HIDE).reason == HIDE_REASON


def test_the_restore_button_restores_a_hidden_post(client_for, moderator, reply):
    actions.hide_post(post=reply, by=moderator)

    response = client_for(moderator).post(f"/mod/post/{reply.pk}/restore/")

    assert response.status_code == 302
    assert response["Location"] == reply.get_absolute_url()
    reply.refresh_from_db()
    assert reply.visibility == Visibility.VISIBLE


def test_an_unknown_post_action_is_a_bad_request(client_for, moderator, reply):
    assert client_for(moderator).post(f"/mod/post/{reply.pk}/burn/").status_code == 400
    assert not Action.objects.exists()


def test_a_reason_longer_than_a_thousand_characters_is_refused(client_for, moderator, reply):
    response = client_for(moderator).post(f"/mod/post/{reply.pk}/hide/", {"reason": "x" * 1001})

    assert response.status_code == 400
    reply.refresh_from_db()
    assert reply.visibility == Visibility.VISIBLE
    assert not Action.objects.exists()


def test_a_reason_with_a_null_character_is_refused(reply, moderator):
    with pytest.raises(ValidationError):
        actions.hide_post(post=reply, by=moderator, reason="bad\x00reason")

    reply.refresh_from_db()
    assert reply.visibility == Visibility.VISIBLE
    assert not Action.objects.exists()


# What each person sees of a hidden post -----------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "sees_body"),
    [
        ("author", True),
        ("moderator", True),
        ("admin", True),
        ("other member", False),
        ("staff", False),
        ("visitor", False),
    ],
)
def test_a_hidden_post_shows_its_body_marked_only_to_its_author_and_moderators(
    client_for, thread, reply, moderator, admin_member, member, other_member, staff_member, viewer, sees_body
):
    actions.hide_post(post=reply, by=moderator, reason=HIDE_REASON)
    person = {
        "author": other_member,
        "moderator": moderator,
        "admin": admin_member,
        "other member": member,
        "staff": staff_member,
        "visitor": None,
    }[viewer]

    response = client_for(person).get(thread.get_absolute_url())

    assert response.status_code == 200
    article = post_article(response, reply)
    assert "is-moderated" in article.classes
    text = " ".join(article.text.split())
    assert "This post was hidden by moderators." in text
    assert ("Buy the cheapest one" in text) is sees_body
    assert (f"Reason: {HIDE_REASON}" in text) is sees_body


def test_a_visible_post_is_not_marked(client_for, thread, reply, member):
    article = post_article(client_for(member).get(thread.get_absolute_url()), reply)

    assert "is-moderated" not in article.classes
    assert "hidden by moderators" not in article.text


# Hiding the opening post hides the thread ---------------------------------------------------------


def _public_pages(client, thread):
    return {
        "home": client.get("/"),
        "category": client.get("/c/general/"),
        "tag": client.get("/tags/lamps/"),
        "latest feed": client.get("/feeds/latest/"),
        "latest rss": client.get("/feeds/latest/atom/"),
        "category feed": client.get("/c/general/feed/"),
        "category rss": client.get("/c/general/rss/"),
    }


def test_hiding_the_opening_post_hides_the_thread_from_lists_and_feeds(client, thread, opening, moderator):
    shown = {name: thread.title in r.content.decode() for name, r in _public_pages(client, thread).items()}

    actions.hide_post(post=opening, by=moderator)

    thread.refresh_from_db()
    assert thread.visibility == Visibility.HIDDEN
    assert all(shown.values()), shown
    for name, response in _public_pages(client, thread).items():
        # Its tag is on no other thread: the tag's page is gone too, as for a tag never used.
        assert response.status_code == (404 if name == "tag" else 200), name
        assert thread.title not in response.content.decode(), name
    assert client.get(thread.get_absolute_url()).status_code == 404
    assert client.get(f"/t/{thread.slug}/{thread.pk}/feed/").status_code == 404


def test_hiding_the_opening_post_lowers_the_category_counts_and_restoring_raises_them(thread, opening, moderator):
    actions.hide_post(post=opening, by=moderator)
    hidden = counts(thread)
    actions.restore_post(post=opening, by=moderator)

    assert hidden == {"replies": 1, "threads": 0, "posts": 0}
    assert counts(thread) == {"replies": 1, "threads": 1, "posts": 2}


def test_hiding_the_opening_post_resolves_the_reports_on_the_thread_too(
    thread, opening, moderator, reporters, notified
):
    file_report(reporter=reporters[0], reason=Report.Reason.OFF_TOPIC, thread=thread)
    file_report(reporter=reporters[1], reason=Report.Reason.SPAM, post=opening)

    actions.hide_post(post=opening, by=moderator, reason="Advertising")

    assert sorted(Report.objects.values_list("target", "status", "outcome")) == [
        (f"post:{opening.pk}", Report.Status.RESOLVED, "hidden"),
        (f"thread:{thread.pk}", Report.Status.RESOLVED, "hidden"),
    ]
    assert notified(reporters[0], Kind.REPORT_RESOLVED)[0].data["outcome"] == "hidden"


def test_a_hidden_thread_stays_readable_by_its_author_and_moderators(client_for, thread, opening, moderator, member):
    actions.hide_post(post=opening, by=moderator)

    for person in (member, moderator):
        response = client_for(person).get(thread.get_absolute_url())
        assert response.status_code == 200
        article = post_article(response, opening)
        assert "is-moderated" in article.classes, person
        assert thread.title in response.content.decode()
        assert "This post was hidden by moderators." in " ".join(article.text.split())


def test_hiding_a_reply_then_the_thread_counts_each_post_once(thread, opening, reply, moderator):
    actions.hide_post(post=reply, by=moderator)
    actions.hide_post(post=opening, by=moderator)
    both_hidden = counts(thread)
    actions.restore_post(post=opening, by=moderator)

    assert both_hidden == {"replies": 0, "threads": 0, "posts": 0}
    assert counts(thread) == {"replies": 0, "threads": 1, "posts": 1}


def test_the_counters_kept_by_the_actions_match_a_recount(
    make_thread, discussion, lounge, member, other_member, staff_member, moderator, admin_member
):
    """Whatever moderators do, the cached numbers equal those recomputed from the rows."""
    busy = make_thread(
        category=discussion,
        author=member,
        replies=[(other_member, "First reply"), (staff_member, "An official answer"), (other_member, "Spam reply")],
    )
    other = make_thread(category=discussion, author=other_member, replies=[(member, "A reply")])
    last, official = busy.posts.order_by("-created_at", "-id")[0], busy.posts.get(is_official=True, is_opening=False)

    actions.hide_post(post=last, by=moderator)
    actions.delete_post(post=official, by=moderator)
    actions.hide_post(post=other.posts.get(is_opening=True), by=moderator)
    actions.move_thread(thread=other, by=moderator, category=lounge)
    actions.move_thread(thread=busy, by=moderator, category=lounge)
    kept = counters_snapshot()
    recount_all()

    assert counters_snapshot() == kept


def test_the_last_reply_shown_in_lists_is_never_a_hidden_one(
    client, make_thread, discussion, member, make_member, moderator
):
    spammer = make_member("spammer", display_name="Sly Spammer")
    helper = make_member("helper", display_name="Helpful Hannah")
    thread = make_thread(
        category=discussion, author=member, replies=[(helper, "A real answer"), (spammer, "Cheap pills")]
    )
    reply = thread.posts.get(author=spammer)

    actions.hide_post(post=reply, by=moderator)

    home = client.get("/").content.decode()
    assert "Sly Spammer" not in home
    assert "Helpful Hannah" in home


# Delete ---------------------------------------------------------------------------------------


def test_deleting_a_post_is_soft_audited_and_resolves_the_reports(
    reported_reply, moderator, thread, reporters, notified
):
    actions.delete_post(post=reported_reply, by=moderator, reason="Illegal content")

    reported_reply.refresh_from_db()
    assert reported_reply.visibility == Visibility.DELETED
    assert Post.objects.filter(pk=reported_reply.pk).exists()
    action = only_action(Action.Kind.DELETE)
    assert (action.actor, action.reason, action.after) == (moderator, "Illegal content", {"visibility": "deleted"})
    assert set(Report.objects.values_list("outcome", flat=True)) == {"deleted"}
    assert counts(thread) == {"replies": 0, "threads": 1, "posts": 1}
    assert notified(reporters[0], Kind.REPORT_RESOLVED)[0].data["outcome"] == "deleted"


def test_deleting_a_hidden_reply_does_not_lower_the_counts_twice(thread, reply, moderator):
    actions.hide_post(post=reply, by=moderator)
    actions.delete_post(post=reply, by=moderator)

    assert counts(thread) == {"replies": 0, "threads": 1, "posts": 1}


def test_a_deleted_post_is_gone_for_its_author_and_marked_for_moderators(
    client_for, thread, reply, moderator, other_member
):
    actions.delete_post(post=reply, by=moderator)

    assert post_article(client_for(other_member).get(thread.get_absolute_url()), reply) is None
    article = post_article(client_for(moderator).get(thread.get_absolute_url()), reply)
    assert "This post was deleted." in article.text


def test_a_moderator_cannot_restore_a_deleted_post(reply, moderator):
    actions.delete_post(post=reply, by=moderator)

    with pytest.raises(PermissionDenied):
        actions.restore_post(post=reply, by=moderator)

    reply.refresh_from_db()
    assert reply.visibility == Visibility.DELETED
    assert not Action.objects.filter(kind__in=[Action.Kind.RESTORE, Action.Kind.UNDELETE]).exists()


def test_the_restore_button_refuses_a_moderator_on_a_deleted_post(client_for, reply, moderator):
    actions.delete_post(post=reply, by=moderator)

    response = client_for(moderator).post(f"/mod/post/{reply.pk}/restore/")

    assert response.status_code == 403
    reply.refresh_from_db()
    assert reply.visibility == Visibility.DELETED


def test_an_admin_restores_a_deleted_post(client_for, thread, reply, moderator, admin_member, notified):
    actions.delete_post(post=reply, by=moderator)

    response = client_for(admin_member).post(f"/mod/post/{reply.pk}/restore/", {"reason": "Deleted by mistake"})

    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.visibility == Visibility.VISIBLE
    action = only_action(Action.Kind.UNDELETE)
    assert (action.actor, action.reason, action.before) == (
        admin_member,
        "Deleted by mistake",
        {"visibility": "deleted"},
    )
    assert counts(thread) == {"replies": 1, "threads": 1, "posts": 2}
    assert len(notified(reply.author, Kind.POST_RESTORED)) == 1


def test_the_delete_button_deletes(client_for, reply, moderator):
    response = client_for(moderator).post(f"/mod/post/{reply.pk}/delete/", {"reason": "Spam"})

    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.visibility == Visibility.DELETED


# Edit -----------------------------------------------------------------------------------------


def test_a_moderator_edit_through_the_edit_page_is_audited_and_resolves_the_reports(
    client_for, reported_reply, moderator, reporters, notified
):
    response = client_for(moderator).post(f"/p/{reported_reply.pk}/edit/", {"body": "A shop link was removed."})

    assert response.status_code == 302
    action = only_action(Action.Kind.EDIT)
    assert (action.actor, action.post, action.member) == (moderator, reported_reply, reported_reply.author)
    assert action.before["body"] == "Buy the cheapest one from my shop at spam.example."
    assert action.after["body"] == "A shop link was removed."
    assert set(Report.objects.values_list("status", "outcome")) == {("resolved", "edited")}
    assert notified(reporters[0], Kind.REPORT_RESOLVED)[0].data["outcome"] == "edited"


def test_editing_an_opening_post_records_the_title_before_and_after(client_for, opening, moderator):
    client_for(moderator).post(
        f"/p/{opening.pk}/edit/", {"title": "Which lamp for reading", "body": "Warm light, please.", "tags": "lamps"}
    )

    action = only_action(Action.Kind.EDIT)
    assert (action.before["title"], action.after["title"]) == (
        "Which lamp for a reading corner",
        "Which lamp for reading",
    )


def test_a_staff_edit_is_audited_but_leaves_the_reports_to_moderators(reported_reply, staff_member):
    services.edit_post(post=reported_reply, editor=staff_member, body="Edited by support.")

    assert only_action(Action.Kind.EDIT).actor == staff_member
    assert Report.objects.filter(status=Report.Status.OPEN).count() == 2


def test_an_author_editing_their_own_post_is_not_audited(reply, other_member):
    services.edit_post(post=reply, editor=other_member, body="I changed my mind.")

    assert not Action.objects.exists()


# Lock, unlock, pin, unpin ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "change", "field", "kind"),
    [
        (None, "lock", "is_locked", Action.Kind.LOCK),
        ("lock", "unlock", "is_locked", Action.Kind.UNLOCK),
        (None, "pin", "is_pinned", Action.Kind.PIN),
        ("pin", "unpin", "is_pinned", Action.Kind.UNPIN),
    ],
)
def test_each_thread_change_is_made_and_audited(thread, moderator, first, change, field, kind):
    if first:
        actions.change_thread(thread=thread, by=moderator, change=first)

    actions.change_thread(thread=thread, by=moderator, change=change, reason="Because")

    thread.refresh_from_db()
    value = change in ("lock", "pin")
    assert getattr(thread, field) is value
    action = only_action(kind)
    assert (action.actor, action.thread, action.target, action.reason) == (
        moderator,
        thread,
        f"thread:{thread.pk}",
        "Because",
    )
    assert (action.before, action.after) == ({field: not value}, {field: value})


@pytest.mark.parametrize("change", ["lock", "unlock", "pin", "unpin"])
def test_each_thread_button_changes_the_thread(client_for, thread, moderator, change):
    if change.startswith("un"):
        actions.change_thread(thread=thread, by=moderator, change=change[2:])

    response = client_for(moderator).post(f"/mod/thread/{thread.pk}/{change}/")

    assert response.status_code == 302
    thread.refresh_from_db()
    field = "is_locked" if change.endswith("lock") else "is_pinned"
    assert getattr(thread, field) is (not change.startswith("un"))


def test_locking_an_already_locked_thread_writes_no_second_row(thread, moderator):
    actions.change_thread(thread=thread, by=moderator, change="lock")
    actions.change_thread(thread=thread, by=moderator, change="lock")

    assert Action.objects.filter(kind=Action.Kind.LOCK).count() == 1


def test_a_locked_thread_refuses_a_member_reply(client_for, thread, moderator, other_member):
    actions.change_thread(thread=thread, by=moderator, change="lock")

    response = client_for(other_member).post(f"/t/{thread.slug}/{thread.pk}/reply/", {"body": "Late reply"})

    assert response.status_code == 403
    assert thread.posts.count() == 2


def test_locking_a_reported_thread_resolves_its_reports(thread, moderator, reporters, notified):
    file_report(reporter=reporters[0], reason=Report.Reason.OFF_TOPIC, thread=thread)

    actions.change_thread(thread=thread, by=moderator, change="lock")

    assert Report.objects.get().outcome == "locked"
    assert notified(reporters[0], Kind.REPORT_RESOLVED)[0].data["outcome"] == "locked"


def test_a_pinned_thread_comes_first_in_its_category(client, make_thread, discussion, member, moderator):
    older = make_thread(category=discussion, author=member, title="An older thread to pin")
    make_thread(category=discussion, author=member, title="A newer thread")

    actions.change_thread(thread=older, by=moderator, change="pin")

    titles = parse_html(client.get("/c/general/").content).thread_titles()
    assert titles[0].endswith("An older thread to pin")


def test_an_unknown_thread_change_is_a_bad_request(client_for, thread, moderator):
    assert client_for(moderator).post(f"/mod/thread/{thread.pk}/archive/").status_code == 400


# Move -----------------------------------------------------------------------------------------


def test_moving_a_thread_carries_its_counts_and_is_audited(thread, lounge, moderator, reporters):
    file_report(reporter=reporters[0], reason=Report.Reason.OFF_TOPIC, thread=thread)

    actions.move_thread(thread=thread, by=moderator, category=lounge, reason="Belongs in the lounge")

    thread.refresh_from_db()
    assert thread.category == lounge
    general, lounge = Category.objects.get(slug="general"), Category.objects.get(slug="lounge")
    assert (general.thread_count, general.post_count) == (0, 0)
    assert (lounge.thread_count, lounge.post_count) == (1, 2)
    action = only_action(Action.Kind.MOVE)
    assert (action.before, action.after) == ({"category": "general"}, {"category": "lounge"})
    assert (action.actor, action.reason) == (moderator, "Belongs in the lounge")
    assert Report.objects.get().outcome == "moved"


def test_moving_a_thread_counts_only_its_visible_posts(thread, reply, lounge, moderator):
    actions.hide_post(post=reply, by=moderator)

    actions.move_thread(thread=thread, by=moderator, category=lounge)

    assert Category.objects.values_list("slug", "thread_count", "post_count").order_by("position")[:2][1] == (
        "lounge",
        1,
        1,
    )


def test_moving_a_hidden_thread_leaves_both_categories_at_zero(thread, opening, lounge, moderator):
    actions.hide_post(post=opening, by=moderator)

    actions.move_thread(thread=thread, by=moderator, category=lounge)

    assert list(Category.objects.values_list("thread_count", "post_count")) == [(0, 0), (0, 0)]


def test_moving_to_the_same_category_writes_nothing(thread, discussion, moderator):
    actions.move_thread(thread=thread, by=moderator, category=discussion)

    assert not Action.objects.exists()
    assert counts(thread) == {"replies": 1, "threads": 1, "posts": 2}


def test_the_move_button_moves_the_thread(client_for, thread, lounge, moderator):
    response = client_for(moderator).post(f"/mod/thread/{thread.pk}/move/", {"category": "lounge"})

    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.category == lounge


def test_the_move_button_with_an_unknown_category_is_not_found(client_for, thread, moderator):
    assert client_for(moderator).post(f"/mod/thread/{thread.pk}/move/", {"category": "nowhere"}).status_code == 404
    assert not Action.objects.exists()


# Warn -----------------------------------------------------------------------------------------


def test_warning_a_member_is_audited_and_tells_them_why(other_member, moderator, notified):
    actions.warn_member(member=other_member, by=moderator, reason="Please stop posting shop links")

    action = only_action(Action.Kind.WARN)
    assert (action.actor, action.member, action.target) == (moderator, other_member, f"member:{other_member.pk}")
    assert action.reason == "Please stop posting shop links"
    [told] = notified(other_member, Kind.WARNED)
    assert messages.text(told) == "A moderator warned you: Please stop posting shop links"


def test_a_warning_needs_a_reason(other_member, moderator):
    with pytest.raises(ValidationError):
        actions.warn_member(member=other_member, by=moderator, reason="  ")

    assert not Action.objects.exists()


def test_the_warn_button_warns_and_an_empty_warning_is_refused(client_for, other_member, moderator, notified):
    browser = client_for(moderator)

    empty = browser.post(f"/mod/member/{other_member.username}/warn/", {"reason": ""})
    sent = browser.post(f"/mod/member/{other_member.username}/warn/", {"reason": "Mind your tone"})

    assert empty.status_code == 400
    assert sent.status_code == 302
    assert [n.data["reason"] for n in notified(other_member, Kind.WARNED)] == ["Mind your tone"]


def test_a_moderator_cannot_warn_or_suspend_themselves_or_an_admin(moderator, admin_member):
    until = timezone.now() + timedelta(days=1)
    for target in (moderator, admin_member):
        with pytest.raises(PermissionDenied):
            actions.warn_member(member=target, by=moderator, reason="No")
        with pytest.raises(PermissionDenied):
            actions.suspend_member(member=target, by=moderator, until=until, reason="No")

    assert not Action.objects.exists()
    assert not Member.objects.filter(suspended_until__isnull=False).exists()


def test_an_admin_may_warn_a_moderator(moderator, admin_member):
    actions.warn_member(member=moderator, by=admin_member, reason="Be gentler")

    assert only_action(Action.Kind.WARN).member == moderator


# Suspend and lift -----------------------------------------------------------------------------


def test_suspending_a_member_is_audited_and_tells_them_why_and_until_when(other_member, moderator, notified):
    until = timezone.now() + timedelta(days=7)

    actions.suspend_member(member=other_member, by=moderator, until=until, reason="Repeated spam")

    other_member.refresh_from_db()
    assert other_member.is_suspended
    assert (other_member.suspended_until, other_member.suspension_reason) == (until, "Repeated spam")
    action = only_action(Action.Kind.SUSPEND)
    assert (action.actor, action.member, action.reason) == (moderator, other_member, "Repeated spam")
    assert (action.before, action.after) == ({"suspended_until": None}, {"suspended_until": until.isoformat()})
    [told] = notified(other_member, Kind.SUSPENDED)
    text = messages.text(told)
    assert text.startswith("Your account is suspended until ")
    assert text.endswith(": Repeated spam")
    assert str(timezone.localtime(until).year) in text


def test_a_suspension_needs_a_reason_and_an_end_in_the_future(other_member, moderator):
    with pytest.raises(ValidationError):
        actions.suspend_member(member=other_member, by=moderator, until=timezone.now() + timedelta(days=1), reason="")
    with pytest.raises(ValidationError):
        actions.suspend_member(member=other_member, by=moderator, until=timezone.now() - timedelta(days=1), reason="x")

    other_member.refresh_from_db()
    assert not other_member.is_suspended
    assert not Action.objects.exists()


def test_suspending_resolves_the_reports_on_the_profile(other_member, moderator, reporters, notified):
    file_report(reporter=reporters[0], reason=Report.Reason.ABUSE, member=other_member)

    actions.suspend_member(
        member=other_member, by=moderator, until=timezone.now() + timedelta(days=1), reason="Harassment"
    )

    assert Report.objects.get().outcome == "suspended"
    assert notified(reporters[0], Kind.REPORT_RESOLVED)[0].data["outcome"] == "suspended"


def test_the_suspend_button_suspends_for_the_chosen_number_of_days(client_for, other_member, moderator):
    response = client_for(moderator).post(
        f"/mod/member/{other_member.username}/suspend/", {"days": "7", "reason": "Repeated spam"}
    )

    assert response.status_code == 302
    other_member.refresh_from_db()
    expected = timezone.now() + timedelta(days=7)
    assert abs((other_member.suspended_until - expected).total_seconds()) < 60
    assert other_member.suspension_reason == "Repeated spam"


@pytest.mark.parametrize("data", [{"days": "7", "reason": ""}, {"days": "9999", "reason": "x"}, {"reason": "x"}])
def test_the_suspend_button_refuses_a_missing_reason_or_an_unlisted_duration(client_for, other_member, moderator, data):
    response = client_for(moderator).post(f"/mod/member/{other_member.username}/suspend/", data)

    assert response.status_code == 400
    other_member.refresh_from_db()
    assert other_member.suspended_until is None


def test_lifting_a_suspension_is_audited_and_lets_the_member_post_again(
    client_for, suspended_member, thread, moderator
):
    response = client_for(moderator).post(f"/mod/member/{suspended_member.username}/lift/", {"reason": "Appeal"})

    assert response.status_code == 302
    suspended_member.refresh_from_db()
    assert (suspended_member.suspended_until, suspended_member.suspension_reason) == (None, "")
    action = only_action(Action.Kind.UNSUSPEND)
    assert (action.actor, action.member, action.reason, action.after) == (
        moderator,
        suspended_member,
        "Appeal",
        {"suspended_until": None},
    )
    services.post_reply(thread=thread, author=suspended_member, body="Thank you for lifting it.")


def test_lifting_when_not_suspended_writes_nothing(other_member, moderator):
    actions.lift_suspension(member=other_member, by=moderator)

    assert not Action.objects.exists()


def test_an_unknown_member_action_is_a_bad_request(client_for, other_member, moderator):
    assert client_for(moderator).post(f"/mod/member/{other_member.username}/ban/").status_code == 400


def test_the_member_page_shows_the_suspension_and_the_history(client_for, suspended_member, moderator):
    actions.warn_member(member=suspended_member, by=moderator, reason="First warning")

    text = parse_html(client_for(moderator).get(f"/mod/member/{suspended_member.username}/").content).text()

    assert "Suspended until" in text
    assert "Spam links in five threads" in text
    assert "Warned a member" in text
    assert "First warning" in text
    assert "Lift the suspension" in text


# A suspended member reads but cannot write -----------------------------------------------------


SUSPENDED_MESSAGE = "you can read but not post."


@pytest.fixture
def suspended_world(thread, opening, reply, suspended_member, make_thread, discussion):
    """Sam wrote a thread before being suspended."""
    until = suspended_member.suspended_until
    suspended_member.suspended_until = None
    own = make_thread(category=discussion, author=suspended_member, title="Sam wrote this before")
    suspended_member.suspended_until = until
    return {"thread": thread, "opening": opening, "reply": reply, "own": own.posts.get()}


def _writes():
    return {
        "posts": Post.objects.count(),
        "threads": Thread.objects.count(),
        "votes": Vote.objects.count(),
        "reports": Report.objects.count(),
        "bodies": sorted(Post.objects.values_list("body", flat=True)),
    }


@pytest.mark.parametrize(
    ("what", "method", "url", "data"),
    [
        ("reply form", "get", lambda w: f"/t/{w['thread'].slug}/{w['thread'].pk}/reply/", {}),
        ("reply", "post", lambda w: f"/t/{w['thread'].slug}/{w['thread'].pk}/reply/", {"body": "Me again"}),
        ("new thread form", "get", lambda w: "/t/new/", {}),
        ("new thread", "post", lambda w: "/t/new/", {"category": "general", "title": "A new one", "body": "Hello"}),
        ("edit form", "get", lambda w: f"/p/{w['own'].pk}/edit/", {}),
        ("edit", "post", lambda w: f"/p/{w['own'].pk}/edit/", {"title": "Changed", "body": "Changed"}),
        ("vote", "post", lambda w: f"/p/{w['reply'].pk}/vote/", {"action": "cast"}),
        ("report", "post", lambda w: "/report/", {"post": "REPLY", "reason": "spam"}),
    ],
)
def test_a_suspended_member_is_refused_with_a_clear_message_and_nothing_is_written(
    client_for, suspended_world, suspended_member, what, method, url, data
):
    data = {k: (suspended_world["reply"].pk if v == "REPLY" else v) for k, v in data.items()}
    before = _writes()

    response = getattr(client_for(suspended_member), method)(url(suspended_world), data)

    assert response.status_code == 403, what
    assert "suspended" in response.content.decode(), what
    assert _writes() == before, what


def test_the_refusal_page_says_the_account_is_suspended(client_for, suspended_world, suspended_member):
    response = client_for(suspended_member).post(f"/p/{suspended_world['reply'].pk}/vote/", {"action": "cast"})

    assert SUSPENDED_MESSAGE in parse_html(response.content).text()


def test_a_suspended_member_still_reads_and_is_told_on_the_thread_page(client_for, suspended_world, suspended_member):
    thread = suspended_world["thread"]

    response = client_for(suspended_member).get(thread.get_absolute_url())

    assert response.status_code == 200
    page = parse_html(response.content)
    assert "Your account is suspended You can read, but not reply." in page.text()
    reply_url = f"/t/{thread.slug}/{thread.pk}/reply/"
    assert not [form for form in page.find_all("form") if form.get("action") == reply_url]
    assert page.find("textarea") is None


def test_a_suspended_member_may_still_follow_a_thread(client_for, suspended_world, suspended_member):
    """Following only chooses what they are told about: it writes nothing anyone else reads."""
    thread = suspended_world["thread"]

    response = client_for(suspended_member).post(f"/t/{thread.slug}/{thread.pk}/follow/", {"action": "follow"})

    assert response.status_code == 302
    assert Follow.objects.filter(thread=thread, member=suspended_member, level=Follow.Level.FOLLOWING).exists()


def test_a_suspended_member_is_refused_by_the_services_too(suspended_world, suspended_member, discussion):
    with pytest.raises(PermissionDenied):
        services.post_reply(thread=suspended_world["thread"], author=suspended_member, body="Hi")
    with pytest.raises(PermissionDenied):
        services.start_thread(category=discussion, author=suspended_member, title="A new thread", body="Hi")
    with pytest.raises(PermissionDenied):
        services.edit_post(post=suspended_world["own"], editor=suspended_member, body="Changed")
    with pytest.raises(PermissionDenied):
        services.cast_vote(post=suspended_world["reply"], voter=suspended_member)


# Hidden content is gone from public places ------------------------------------------------------


def test_a_hidden_reply_is_not_on_its_authors_profile_for_others(client_for, reply, moderator, member, other_member):
    actions.hide_post(post=reply, by=moderator)

    for person in (None, member):
        response = client_for(person).get(f"/u/{other_member.username}/", {"tab": "activity", "kind": "replies"})
        assert response.status_code == 200
        assert "Buy the cheapest one" not in response.content.decode()


def test_a_hidden_reply_is_not_in_the_thread_feed(client, thread, reply, moderator):
    actions.hide_post(post=reply, by=moderator)

    feed = client.get(f"/t/{thread.slug}/{thread.pk}/feed/").content.decode()

    assert "Buy the cheapest one" not in feed
