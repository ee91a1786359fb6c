"""A new status reaches everyone the idea concerns: its voters, followers and author, each told
once, on the notifications page, live on their open sockets and by email, as their
preferences say; never the staff member who set it, never a member who muted the idea or may
no longer read it."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from forum.models import Category, Thread
from forum.services import follow_thread, mute_thread, post_reply
from ideas.models import Status
from ideas.services import set_idea_status, vote_for_idea
from notifications import email
from notifications.models import Kind, Notification
from notifications.services import set_preferences
from tests.notifications.test_delivery import receive_until
from tests.notifications.test_socket import session_cookie_for, socket

pytestmark = pytest.mark.django_db

NOTE = "Planned for the spring update of the app."
TIMEOUT = 5


def told(member) -> list[tuple[str, str]]:
    """What the member was told, but for badges (an author earns one when their idea is planned)."""
    rows = Notification.objects.filter(recipient=member).exclude(kind=Kind.BADGE)
    return list(rows.values_list("kind", "data__status"))


def test_voters_followers_and_the_author_are_each_told_once(idea, member, other_member, carol, staff_member):
    vote_for_idea(thread=idea, member=other_member)
    vote_for_idea(thread=idea, member=member)  # the author votes and follows: still told once
    follow_thread(thread=idea, member=carol)
    follow_thread(thread=idea, member=other_member)  # votes and follows: told once

    change = set_idea_status(thread=idea, by=staff_member, status=Status.PLANNED, note=NOTE)

    for person in (member, other_member, carol):
        assert told(person) == [(Kind.IDEA_STATUS, "planned")], person
        row = Notification.objects.get(recipient=person, kind=Kind.IDEA_STATUS)
        assert row.actor == staff_member and row.post == change.note and row.thread_id == idea.pk
        assert row.url == reverse("forum:post", args=[change.note.pk])
    assert not Notification.objects.filter(recipient=staff_member).exists()


def test_the_note_is_not_also_announced_as_an_official_response(idea, member, other_member, staff_member):
    """set_idea_status posts the note as an official response: followers would otherwise hear
    twice of one change. A later official reply in the thread is told as usual."""
    follow_thread(thread=idea, member=other_member)
    set_idea_status(thread=idea, by=staff_member, status=Status.UNDER_REVIEW, note=NOTE)
    assert told(other_member) == [(Kind.IDEA_STATUS, "under_review")]

    post_reply(thread=idea, author=staff_member, body="We have a first design to show.")
    kinds = sorted(kind for kind, _status in told(other_member))
    assert kinds == [Kind.IDEA_STATUS, Kind.OFFICIAL_RESPONSE]


def test_each_change_is_its_own_notification(idea, other_member, staff_member):
    vote_for_idea(thread=idea, member=other_member)
    set_idea_status(thread=idea, by=staff_member, status=Status.PLANNED, note=NOTE)
    set_idea_status(thread=idea, by=staff_member, status=Status.IN_PROGRESS, note="The work has started this week.")

    assert sorted(told(other_member)) == [(Kind.IDEA_STATUS, "in_progress"), (Kind.IDEA_STATUS, "planned")]


def test_muted_and_switched_off_members_are_not_told(idea, other_member, carol, dmitri, staff_member):
    for person in (other_member, carol, dmitri):
        vote_for_idea(thread=idea, member=person)
    mute_thread(thread=idea, member=carol)
    set_preferences(member=dmitri, choices={Kind.IDEA_STATUS: (False, "off")})

    set_idea_status(thread=idea, by=staff_member, status=Status.DECLINED, note="This does not fit the lamp's design.")

    assert told(other_member) == [(Kind.IDEA_STATUS, "declined")]
    assert told(carol) == [] and told(dmitri) == []


def test_voters_who_may_no_longer_read_the_idea_are_not_told(
    idea, other_member, carol, staff_member, moderator, make_category
):
    """The category became staff-only after the votes: the title must not reach them."""
    vote_for_idea(thread=idea, member=other_member)
    vote_for_idea(thread=idea, member=moderator)
    Category.objects.filter(pk=idea.category_id).update(access=Category.Access.STAFF)
    idea = Thread.objects.select_related("category").get(pk=idea.pk)

    set_idea_status(thread=idea, by=staff_member, status=Status.PLANNED, note=NOTE)

    assert told(other_member) == []
    assert told(moderator) == [(Kind.IDEA_STATUS, "planned")]


def test_the_notifications_page_says_what_changed_in_each_language(idea, other_member, staff_member):
    vote_for_idea(thread=idea, member=other_member)
    set_idea_status(thread=idea, by=staff_member, status=Status.IN_PROGRESS, note=NOTE)
    client = Client()
    client.force_login(other_member)

    page = client.get("/notifications/").content.decode()
    assert f"New status for “{idea.title}”: In progress" in page
    with translation.override("fr"):
        page = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f"Nouveau statut pour «\u00a0{idea.title}\u00a0»\u00a0: En cours" in page


def test_voters_are_emailed_by_default_and_can_choose_otherwise(
    settings, idea, member, other_member, carol, staff_member
):
    settings.NOTIFICATION_EMAIL_DELAY_MINUTES = 10
    for person in (other_member, carol):
        vote_for_idea(thread=idea, member=person)
    set_preferences(member=carol, choices={Kind.IDEA_STATUS: (True, "off")})

    set_idea_status(thread=idea, by=staff_member, status=Status.DONE, note="It shipped in version 2.4 today.")
    email.send_due(now=timezone.now() + timedelta(minutes=11))

    assert sorted(m.to[0] for m in mail.outbox) == [member.email, other_member.email]  # the author, a voter
    assert idea.title in mail.outbox[0].body and "Done" in mail.outbox[0].body
    assert told(carol) == [(Kind.IDEA_STATUS, "done")]  # on the site all the same


@pytest.mark.django_db(transaction=True)
async def test_a_voter_sees_the_new_status_arrive_live(idea, other_member, staff_member):
    await database_sync_to_async(vote_for_idea)(thread=idea, member=other_member)
    communicator = socket(cookie=await database_sync_to_async(session_cookie_for)(other_member))
    connected, _code = await communicator.connect(timeout=TIMEOUT)
    assert connected
    try:
        await receive_until(communicator, "hello")
        await database_sync_to_async(set_idea_status)(thread=idea, by=staff_member, status=Status.PLANNED, note=NOTE)
        message = (await receive_until(communicator, "notification"))[-1]
        assert message["kind"] == Kind.IDEA_STATUS
        assert message["text"] == f"New status for “{idea.title}”: Planned" and message["unread"] == 1
    finally:
        await communicator.disconnect()
