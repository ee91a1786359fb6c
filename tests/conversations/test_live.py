"""Live delivery of a conversation's messages: to its participants' sockets and nobody else's,
through the real ASGI stack and the configured channel layer (Redis in CI's second stage)."""

import pytest
from channels.db import database_sync_to_async
from django.db import transaction

from conversations import live, notes, services
from notifications import consumers
from notifications.consumers import CLOSE_ACCESS_CHANGED
from notifications.models import Kind
from notifications.services import notify
from tests.notifications.test_access_on_delivery import messages_until_quiet
from tests.notifications.test_socket import session_cookie_for

pytestmark = pytest.mark.django_db(transaction=True)

post_message = database_sync_to_async(services.post_message)


async def open_for(sockets, person):
    """A socket of the person's own browser (the fixture checks it was accepted and greeted)."""
    return await sockets(await database_sync_to_async(session_cookie_for)(person))


def of_type(messages, kind):
    return [m for m in messages if m.get("type") == kind]


async def test_a_staff_answer_reaches_the_members_socket_and_not_another_members(
    sockets, conversation, member, other_member, staff_member
):
    alice, bruno = await open_for(sockets, member), await open_for(sockets, other_member)

    message = await post_message(conversation=conversation, author=staff_member, body="Your parcel left today.")

    received = await messages_until_quiet(alice)
    [live] = of_type(received, "conversation.message")
    assert live["conversation"] == conversation.pk and live["message"] == message.pk
    assert live["inbox"] == 1
    assert [n["kind"] for n in of_type(received, "notification")] == ["message"]
    assert "parcel" not in str(received)  # the socket carries ids; the page renders the text
    assert await messages_until_quiet(bruno) == []


async def test_staff_who_did_not_join_get_no_push_and_the_staff_participant_does(
    sockets, conversation, member, staff_member, make_member
):
    colleague = await database_sync_to_async(make_member)("theo", staff=True)
    sophie, theo = await open_for(sockets, staff_member), await open_for(sockets, colleague)

    await post_message(conversation=conversation, author=member, body="Thanks! The tracking number is 42.")

    assert len(of_type(await messages_until_quiet(sophie), "conversation.message")) == 1
    # Theo only hears that the workspace's queue grew: a count, nothing of the conversation.
    assert await messages_until_quiet(theo) == [{"type": "staff.conversations", "count": 1}]


async def test_a_staff_participant_whose_role_is_taken_away_receives_nothing_more(
    monkeypatch, sockets, conversation, member, staff_member
):
    """Checked at delivery: the role change's own push is skipped here (an update, no event)."""
    monkeypatch.setattr(consumers, "ACCESS_RECHECK_SECONDS", 0)
    sophie, alice = await open_for(sockets, staff_member), await open_for(sockets, member)
    await database_sync_to_async(type(staff_member).objects.filter(pk=staff_member.pk).update)(is_brand_staff=False)

    await post_message(conversation=conversation, author=member, body="Still there?")

    assert await messages_until_quiet(sophie) == [{"closed": CLOSE_ACCESS_CHANGED}]
    assert of_type(await messages_until_quiet(alice), "conversation.message")  # her own other tabs follow


async def test_a_note_is_never_pushed_to_the_members_reading_its_thread(
    sockets, questions, make_thread, member, staff_member
):
    thread = await database_sync_to_async(make_thread)(category=questions, author=member, title="Lamp blinks")
    alice = await open_for(sockets, member)
    await alice.send_json_to({"type": "subscribe", "thread": thread.pk})
    assert (await alice.receive_json_from())["type"] == "subscribed"

    await database_sync_to_async(notes.add_note)(thread=thread, author=staff_member, body="Known firmware bug.")

    assert await messages_until_quiet(alice) == []


def notify_of(conversation, member, staff_member, audience):
    with transaction.atomic():
        notify(
            recipients=[member],
            kind=Kind.MESSAGE,
            actor=staff_member,
            url=conversation.get_absolute_url(),
            audience=audience,
        )


async def test_a_messages_notification_is_pushed_with_the_conversations_audience_read_after_the_commit(
    sockets, conversation, member, staff_member
):
    alice = await open_for(sockets, member)

    await database_sync_to_async(notify_of)(conversation, member, staff_member, lambda: None)  # gone since
    assert await messages_until_quiet(alice) == []

    audience = lambda: live.audience(conversation.pk)  # noqa: E731
    await database_sync_to_async(notify_of)(conversation, member, staff_member, audience)
    assert [n["kind"] for n in of_type(await messages_until_quiet(alice), "notification")] == ["message"]
