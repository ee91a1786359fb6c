"""Bookmarks of a thread or a post, with a note and a reminder that notifies when due;
/bookmarks/ lists what the member may still read."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from forum import services as forum
from forum.models import Post
from notifications import email
from notifications.models import Kind, Notification
from notifications.reminders import send_due
from reading import bookmarks
from reading.models import Bookmark
from tests.reading.clients import as_

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(make_thread, discussion, other_member, carol):
    return make_thread(
        category=discussion,
        author=other_member,
        title="Scenes for a reading evening",
        replies=[(carol, "Warm white at 30 % and the desk lamp off.")],
    )


@pytest.fixture
def reply(thread):
    return Post.objects.get(thread=thread, is_opening=False)


def later(**delta) -> str:
    return (timezone.localtime() + timedelta(**delta)).strftime("%Y-%m-%dT%H:%M")


def test_a_member_bookmarks_a_post_with_a_note_and_a_reminder(member, reply):
    client = as_(member)
    assert "Remind me on" in client.get(f"/bookmarks/new/?post={reply.pk}").content.decode()

    response = client.post(f"/bookmarks/new/?post={reply.pk}", {"note": "Try it tonight", "remind_at": later(days=1)})

    assert response.status_code == 302 and response["Location"] == f"/p/{reply.pk}/"
    kept = Bookmark.objects.get(member=member)
    assert (kept.post, kept.thread, kept.note) == (reply, reply.thread, "Try it tonight")
    assert kept.remind_at > timezone.now()


def test_a_member_bookmarks_a_thread_from_its_page(member, thread):
    client = as_(member)
    assert f"/bookmarks/new/?thread={thread.pk}" in client.get(thread.get_absolute_url()).content.decode()

    client.post(f"/bookmarks/new/?thread={thread.pk}", {"note": ""})

    assert Bookmark.objects.get(member=member).post is None


def test_each_post_offers_a_bookmark_to_members_only(client, member, thread, reply):
    assert f"/bookmarks/new/?post={reply.pk}" not in client.get(thread.get_absolute_url()).content.decode()
    assert f"/bookmarks/new/?post={reply.pk}" in as_(member).get(thread.get_absolute_url()).content.decode()


def test_bookmarking_again_edits_the_same_bookmark(member, reply):
    client = as_(member)
    client.post(f"/bookmarks/new/?post={reply.pk}", {"note": "First"})

    page = client.get(f"/bookmarks/new/?post={reply.pk}").content.decode()
    client.post(f"/bookmarks/new/?post={reply.pk}", {"note": "Second"})

    assert 'value="First"' in page and "Remove the bookmark" in page
    assert list(Bookmark.objects.values_list("note", flat=True)) == ["Second"]


@pytest.mark.parametrize(
    ("remind_at", "message"),
    [("2020-01-01T10:00", "Choose a reminder date in the future."), ("tomorrow", "Enter a valid date/time.")],
)
def test_a_bad_reminder_is_a_400_with_a_message_and_writes_nothing(member, reply, remind_at, message):
    response = as_(member).post(f"/bookmarks/new/?post={reply.pk}", {"remind_at": remind_at})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Bookmark.objects.exists()


def test_a_note_too_long_is_a_400(member, reply):
    response = as_(member).post(f"/bookmarks/new/?post={reply.pk}", {"note": "x" * 201})

    assert response.status_code == 400
    assert not Bookmark.objects.exists()


@pytest.mark.parametrize("query", ["", "?post=abc", "?post=999999", "?thread=999999"])
def test_an_unknown_target_is_a_404(member, query):
    assert as_(member).get(f"/bookmarks/new/{query}").status_code == 404


def test_a_staff_only_thread_or_a_hidden_post_cannot_be_bookmarked_by_a_member(
    member, staff_member, staff_category, make_thread, reply, moderator
):
    hidden_thread = make_thread(category=staff_category, author=staff_member)
    forum.set_post_visibility(post=reply, by=moderator, visibility="hidden", reason="off topic")
    client = as_(member)

    assert client.get(f"/bookmarks/new/?thread={hidden_thread.pk}").status_code == 404
    assert client.post(f"/bookmarks/new/?thread={hidden_thread.pk}", {}).status_code == 404
    assert client.get(f"/bookmarks/new/?post={reply.pk}").status_code == 404
    assert not Bookmark.objects.exists()


def test_bookmarks_are_for_members(client, thread):
    assert client.get("/bookmarks/").status_code == 302
    assert client.get(f"/bookmarks/new/?thread={thread.pk}").status_code == 302


def test_the_bookmarks_page_lists_ones_own_with_notes_and_reminders(member, other_member, thread, reply):
    bookmarks.save_bookmark(member=member, thread=thread, post=reply, note="For tonight")
    bookmarks.save_bookmark(member=member, thread=thread, remind_at=timezone.now() + timedelta(days=2))
    bookmarks.save_bookmark(member=other_member, thread=thread, note="Someone else's note")

    html = as_(member).get("/bookmarks/").content.decode()

    assert html.count('class="bookmark card"') == 2
    assert "For tonight" in html and "Reminder" in html
    assert "Someone else" not in html


def test_a_bookmark_whose_thread_became_staff_only_leaves_the_list(member, thread, staff_category, moderator):
    bookmarks.save_bookmark(member=member, thread=thread, note="Keep")

    forum.move_thread(thread=thread, by=moderator, category=staff_category)

    assert "Scenes for a reading evening" not in as_(member).get("/bookmarks/").content.decode()
    assert Bookmark.objects.filter(member=member).exists()  # back with its access


def test_an_empty_bookmarks_page_says_how_to_keep_something(member):
    assert "No bookmarks yet" in as_(member).get("/bookmarks/").content.decode()


def test_a_member_removes_a_bookmark_and_no_one_else_can(member, other_member, thread):
    kept = bookmarks.save_bookmark(member=member, thread=thread)

    assert as_(other_member).post(f"/bookmarks/{kept.pk}/remove/").status_code == 404
    assert as_(member).get(f"/bookmarks/{kept.pk}/remove/").status_code == 405
    assert as_(member).post(f"/bookmarks/{kept.pk}/remove/").status_code == 302
    assert not Bookmark.objects.exists()


def test_the_bookmarks_page_takes_a_fixed_number_of_queries(
    member, make_thread, discussion, other_member, django_assert_max_num_queries
):
    for n in range(30):
        thread = make_thread(category=discussion, author=other_member, replies=[(other_member, f"Reply {n}")])
        bookmarks.save_bookmark(member=member, thread=thread, post=thread.posts.last(), note=f"Note {n}")
    client = as_(member)
    client.get("/bookmarks/")

    with django_assert_max_num_queries(7):
        html = client.get("/bookmarks/").content.decode()

    assert html.count('class="bookmark card"') == 25


def due(bookmark):
    Bookmark.objects.filter(pk=bookmark.pk).update(remind_at=timezone.now() - timedelta(minutes=1))


def test_a_due_reminder_notifies_once(member, reply):
    kept = bookmarks.save_bookmark(
        member=member, thread=reply.thread, post=reply, note="Try it", remind_at=timezone.now() + timedelta(hours=1)
    )
    assert send_due() == 0
    due(kept)

    assert send_due() == 1
    assert send_due() == 0

    told = Notification.objects.get(recipient=member, kind=Kind.BOOKMARK_REMINDER)
    assert told.url == f"/p/{reply.pk}/"
    assert "Reminder: “Scenes for a reading evening” (Try it)" in as_(member).get("/notifications/").content.decode()


def test_the_reminders_command_sends_what_is_due(member, thread, capsys):
    due(bookmarks.save_bookmark(member=member, thread=thread, remind_at=timezone.now() + timedelta(hours=1)))

    call_command("send_reminders")

    assert "1 reminder(s) sent." in capsys.readouterr().out
    assert Notification.objects.filter(recipient=member, kind=Kind.BOOKMARK_REMINDER).exists()


def test_a_new_reminder_date_reminds_again(member, thread):
    kept = bookmarks.save_bookmark(member=member, thread=thread, remind_at=timezone.now() + timedelta(hours=1))
    due(kept)
    send_due()

    bookmarks.save_bookmark(member=member, thread=thread, remind_at=timezone.now() + timedelta(hours=2))
    due(kept)

    assert send_due() == 1


def test_a_reminder_about_a_thread_now_staff_only_tells_nothing(member, thread, staff_category, moderator):
    kept = bookmarks.save_bookmark(member=member, thread=thread, remind_at=timezone.now() + timedelta(hours=1))
    forum.move_thread(thread=thread, by=moderator, category=staff_category)
    due(kept)

    send_due()

    assert not Notification.objects.filter(recipient=member, kind=Kind.BOOKMARK_REMINDER).exists()


def test_a_reminder_left_unread_is_emailed_by_default(settings, member, thread, mailoutbox):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    due(
        bookmarks.save_bookmark(
            member=member, thread=thread, note="Try it", remind_at=timezone.now() + timedelta(hours=1)
        )
    )
    send_due()

    email.send_due(now=timezone.now() + timedelta(minutes=settings.NOTIFICATION_EMAIL_DELAY_MINUTES, seconds=30))

    sent = [m for m in mailoutbox if m.to == [member.email]]
    assert len(sent) == 1 and "Scenes for a reading evening" in sent[0].body


def test_a_suspended_member_still_keeps_bookmarks(make_member, thread):
    suspended = make_member("sam", suspended_until=timezone.now() + timedelta(days=3), suspension_reason="Spam")

    response = as_(suspended).post(f"/bookmarks/new/?thread={thread.pk}", {"note": "Read later"})

    assert response.status_code == 302
    assert Bookmark.objects.filter(member=suspended).exists()
