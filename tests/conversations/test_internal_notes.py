"""Internal notes on a public thread: staff and moderators read them inline; nothing of them
leaves by any other way (the members' and visitors' pages, shared copies included, feeds,
search, notifications, emails, structured data). The live push is tested in test_live.py."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conversations import notes
from conversations.models import InternalNote
from notifications.email import send_due
from notifications.models import Notification
from search.queue import apply_all

NOTE = "Refund-approved-by-legal"


@pytest.fixture
def thread(make_thread, questions, member, other_member):
    return make_thread(
        category=questions, author=member, title="The hub loses its pairing", replies=[(other_member, "Same here")]
    )


@pytest.fixture
def note(thread, staff_member):
    return notes.add_note(thread=thread, author=staff_member, body=f"**{NOTE}**: offer a replacement.")


def as_reader(person) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def test_staff_and_moderators_read_a_note_after_the_post_it_follows(thread, note, staff_member, moderator):
    assert note.after_post.body == "Same here"  # the thread's latest post when it was written
    for person in (staff_member, moderator):
        page = as_reader(person).get(thread.get_absolute_url()).content.decode()
        assert f"<strong>{NOTE}</strong>" in page
        assert page.index(f'id="post-{note.after_post_id}"') < page.index(f'id="note-{note.pk}"')


@pytest.mark.parametrize("page_cache", [False, True])
def test_members_and_visitors_never_get_a_note_even_from_a_copy_rendered_after_staffs(
    settings, page_cache, thread, note, staff_member, member, other_member, carol
):
    settings.PAGE_CACHE = page_cache
    assert NOTE in as_reader(staff_member).get(thread.get_absolute_url()).content.decode()
    for person in (None, member, other_member, carol, None):
        page = as_reader(person).get(thread.get_absolute_url()).content.decode()
        assert NOTE not in page and "internal-note" not in page.replace("internal-note-form", "")
    # And a copy shared before is not what staff get.
    assert NOTE in as_reader(staff_member).get(thread.get_absolute_url()).content.decode()


def test_the_visitors_structured_data_and_the_feeds_leave_notes_out(client, thread, note, questions):
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "application/ld+json" in page and NOTE not in page
    for address in (
        reverse("forum:feed_thread", args=[thread.slug, thread.pk]),
        reverse("forum:feed_thread_rss", args=[thread.slug, thread.pk]),
        reverse("forum:feed_category", args=[questions.slug]),
        reverse("forum:feed_latest"),
    ):
        response = client.get(address)
        assert response.status_code == 200 and NOTE not in response.content.decode()


def test_search_never_finds_a_note(thread, note, member, staff_member):
    apply_all()
    for person in (None, member, staff_member):
        results = as_reader(person).get("/search/", {"q": "hub pairing"}).content.decode()
        assert "The hub loses its pairing" in results  # the search works
        # "replacement" is in the note alone: were notes indexed, the thread would be found.
        assert (
            "The hub loses its pairing" not in as_reader(person).get("/search/", {"q": "replacement"}).content.decode()
        )


def test_a_note_tells_nobody_and_is_never_emailed(thread, member, other_member, staff_member):
    before = Notification.objects.count()
    mail.outbox.clear()
    notes.add_note(thread=thread, author=staff_member, body=NOTE)
    assert Notification.objects.count() == before
    send_due(timezone.now() + timedelta(days=2))
    assert all(NOTE not in m.body and NOTE not in m.subject for m in mail.outbox)


def test_only_staff_and_moderators_write_notes(client, thread, member, staff_member, moderator, make_member):
    address = reverse("conversations:add_note", args=[thread.pk])
    response = client.post(address, {"body": NOTE})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    suspended = make_member("sam", moderator=True, suspended_until=timezone.now() + timedelta(days=1))
    for person in (member, suspended):
        client.force_login(person)
        assert client.post(address, {"body": NOTE}).status_code == 403
    for person in (staff_member, moderator):
        client.force_login(person)
        assert client.post(address, {"body": NOTE}).status_code == 302
    assert InternalNote.objects.filter(thread=thread).count() == 2


def test_an_empty_note_is_refused_with_its_message_and_no_row(client, thread, staff_member):
    client.force_login(staff_member)
    response = client.post(reverse("conversations:add_note", args=[thread.pk]), {"body": "  "}, follow=True)
    assert "Write a message first" in response.content.decode()
    assert not InternalNote.objects.exists()
