"""Access is checked when a live message is delivered, not only when a socket subscribes.

Each class of change is tried with two sockets open before it: the one that must still
receive and the one that must not. They run through the real ASGI stack and the configured
channel layer (in-memory here, Redis in CI's second stage; tests/notifications/
test_access_cross_process.py does the same over two daphne processes).
"""

import asyncio
import json
from datetime import timedelta
from importlib import import_module

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forum import services
from forum.models import Category
from moderation import actions
from notifications import consumers
from notifications.consumers import CLOSE_ACCESS_CHANGED, CLOSE_SESSION_ENDED
from notifications.models import Kind, Notification
from profiles.services import grant_role
from tests.notifications.test_socket import socket

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 5
post_reply = database_sync_to_async(services.post_reply)


def browser_for(person) -> Client:
    """A browser of its own (a session of its own) logged in as `person`."""
    browser = Client()
    browser.force_login(person)
    return browser


def session_store(browser: Client):
    engine = import_module(settings.SESSION_ENGINE)
    return engine.SessionStore(browser.cookies[settings.SESSION_COOKIE_NAME].value)


def cookie_of(browser: Client) -> bytes:
    return f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


@pytest.fixture
def browsers():
    return database_sync_to_async(browser_for)


@pytest.fixture
async def sockets():
    opened = []

    async def connect(browser: Client, *, thread=None):
        communicator = socket(cookie=cookie_of(browser))
        opened.append(communicator)
        connected, code = await communicator.connect(timeout=TIMEOUT)
        assert connected, f"socket refused with {code}"
        assert (await communicator.receive_json_from(timeout=TIMEOUT))["type"] == "hello"
        if thread is not None:
            await communicator.send_json_to({"type": "subscribe", "thread": thread.pk})
            assert await communicator.receive_json_from(timeout=TIMEOUT) == {"type": "subscribed", "thread": thread.pk}
        return communicator

    yield connect
    for communicator in opened:
        await communicator.disconnect()


async def messages_until_quiet(communicator, quiet: float = 0.4) -> list[dict]:
    received = []
    while not await communicator.receive_nothing(timeout=quiet):
        output = await communicator.receive_output(timeout=TIMEOUT)
        if output["type"] == "websocket.close":
            received.append({"closed": output.get("code")})
            break
        received.append(json.loads(output["text"]))
    return received


async def close_code(communicator, within: float = 1.0):
    """The code the server closes the socket with, within `within` seconds (messages before it
    are skipped); None if it stays open."""
    deadline = asyncio.get_running_loop().time() + within
    while (left := deadline - asyncio.get_running_loop().time()) > 0:
        if await communicator.receive_nothing(timeout=min(left, 0.1)):
            continue
        output = await communicator.receive_output(timeout=TIMEOUT)
        if output["type"] == "websocket.close":
            return output.get("code")
    return None


def types(messages) -> list:
    return [m.get("type", m.get("closed")) for m in messages]


@pytest.fixture
def thread(discussion, make_thread, member):
    return make_thread(category=discussion, author=member, title="Firmware 2.4 release notes")


# Threads that change under open sockets -----------------------------------------------------


async def test_a_thread_moved_to_a_staff_only_category_stops_its_replies_reaching_members(
    sockets, browsers, thread, staff_category, other_member, staff_member, moderator
):
    member_socket = await sockets(await browsers(other_member), thread=thread)
    staff_socket = await sockets(await browsers(staff_member), thread=thread)

    await database_sync_to_async(actions.move_thread)(thread=thread, by=moderator, category=staff_category)
    assert types(await messages_until_quiet(member_socket)) == ["unsubscribed"]

    reply = await post_reply(thread=thread, author=moderator, body="Internal: the fix ships on Tuesday.")

    staff_received = await messages_until_quiet(staff_socket)
    assert [m["post"] for m in staff_received if m["type"] == "reply"] == [reply.pk]
    assert await messages_until_quiet(member_socket) == []


async def test_a_reply_to_a_thread_moved_without_any_push_is_still_withheld_at_delivery(
    sockets, browsers, thread, staff_category, other_member, staff_member, moderator
):
    """The move's own push may be lost (Redis down): each reply carries the thread's access."""
    member_socket = await sockets(await browsers(other_member), thread=thread)
    staff_socket = await sockets(await browsers(staff_member), thread=thread)
    await database_sync_to_async(type(thread).objects.filter(pk=thread.pk).update)(category=staff_category)

    reply = await post_reply(thread=thread, author=moderator, body="Internal: the fix ships on Tuesday.")

    assert [m.get("post") for m in await messages_until_quiet(staff_socket)] == [reply.pk]
    assert types(await messages_until_quiet(member_socket)) == ["unsubscribed"]


@pytest.mark.parametrize("action", [actions.hide_post, actions.delete_post], ids=["hidden", "deleted"])
async def test_a_thread_whose_opening_post_is_hidden_or_deleted_stops_its_replies_reaching_other_members(
    sockets, browsers, thread, other_member, carol, moderator, action
):
    member_socket = await sockets(await browsers(carol), thread=thread)
    moderator_socket = await sockets(await browsers(moderator), thread=thread)

    opening = await database_sync_to_async(thread.posts.get)(is_opening=True)
    await database_sync_to_async(action)(post=opening, by=moderator, reason="Spam")
    assert types(await messages_until_quiet(member_socket)) == ["unsubscribed"]
    await messages_until_quiet(moderator_socket)

    reply = await post_reply(thread=thread, author=moderator, body="Checking the links before restoring.")

    assert [m["post"] for m in await messages_until_quiet(moderator_socket) if m["type"] == "reply"] == [reply.pk]
    assert await messages_until_quiet(member_socket) == []


async def test_a_category_made_staff_only_stops_its_threads_replies_reaching_members(
    sockets, browsers, thread, discussion, other_member, staff_member, moderator
):
    """An administrator changes the category's access in the Django admin: no push is sent
    for it, and the next reply is checked against the category as it is then."""
    member_socket = await sockets(await browsers(other_member), thread=thread)
    staff_socket = await sockets(await browsers(staff_member), thread=thread)
    await database_sync_to_async(Category.objects.filter(pk=discussion.pk).update)(access=Category.Access.STAFF)

    reply = await post_reply(thread=thread, author=moderator, body="Now for staff eyes only.")

    assert [m.get("post") for m in await messages_until_quiet(staff_socket)] == [reply.pk]
    assert types(await messages_until_quiet(member_socket)) == ["unsubscribed"]


# Members whose access changes -----------------------------------------------------------------


@pytest.fixture
def staff_thread(staff_category, make_thread, staff_member):
    return make_thread(category=staff_category, author=staff_member, title="Pricing of the 2027 range")


async def test_a_member_whose_staff_role_is_removed_stops_receiving_staff_only_replies(
    sockets, browsers, staff_thread, make_member, staff_member, moderator
):
    demoted = await database_sync_to_async(make_member)("gaelle", staff=True)
    demoted_socket = await sockets(await browsers(demoted), thread=staff_thread)
    colleague_socket = await sockets(await browsers(staff_member), thread=staff_thread)

    await database_sync_to_async(grant_role)(member=demoted, role="member")
    assert await close_code(demoted_socket) == CLOSE_ACCESS_CHANGED

    reply = await post_reply(thread=staff_thread, author=moderator, body="Prices go up in March.")
    assert [m["post"] for m in await messages_until_quiet(colleague_socket) if m["type"] == "reply"] == [reply.pk]

    # Connecting again, the former staff member may no longer subscribe.
    again = await sockets(await browsers(demoted))
    await again.send_json_to({"type": "subscribe", "thread": staff_thread.pk})
    assert await again.receive_json_from(timeout=TIMEOUT) == {"type": "error", "error": "not-allowed"}


async def test_a_role_removed_without_any_push_is_caught_at_the_next_delivery(
    monkeypatch, sockets, browsers, staff_thread, make_member, staff_member, moderator
):
    """If the role change's push is lost, a socket checks its member again before delivering."""
    monkeypatch.setattr(consumers, "ACCESS_RECHECK_SECONDS", 0)
    demoted = await database_sync_to_async(make_member)("gaelle", staff=True)
    demoted_socket = await sockets(await browsers(demoted), thread=staff_thread)
    colleague_socket = await sockets(await browsers(staff_member), thread=staff_thread)
    await database_sync_to_async(type(demoted).objects.filter(pk=demoted.pk).update)(is_brand_staff=False)

    reply = await post_reply(thread=staff_thread, author=moderator, body="Prices go up in March.")

    assert [m["post"] for m in await messages_until_quiet(colleague_socket) if m["type"] == "reply"] == [reply.pk]
    assert await messages_until_quiet(demoted_socket) == [{"closed": CLOSE_ACCESS_CHANGED}]


async def test_a_suspension_closes_the_members_sockets_at_once_so_they_start_over(
    sockets, browsers, member, other_member, moderator
):
    suspended = await sockets(await browsers(other_member))
    bystander = await sockets(await browsers(member))

    until = timezone.now() + timedelta(days=3)
    await database_sync_to_async(actions.suspend_member)(member=other_member, by=moderator, until=until, reason="Spam")

    assert await close_code(suspended) == CLOSE_ACCESS_CHANGED
    assert await close_code(bystander, within=0.3) is None


async def test_a_deactivated_account_has_its_sockets_closed_for_good(sockets, browsers, member, other_member):
    gone = await sockets(await browsers(other_member))
    bystander = await sockets(await browsers(member))

    @database_sync_to_async
    def deactivate():
        other_member.is_active = False
        other_member.save(update_fields=["is_active"])
        from profiles import events

        events.access_changed.send(sender=type(other_member), member=other_member)

    await deactivate()

    assert await close_code(gone) == CLOSE_SESSION_ENDED
    assert await close_code(bystander, within=0.3) is None


# Sessions -------------------------------------------------------------------------------------


async def test_logging_out_closes_that_sessions_sockets_and_not_the_other_browsers(
    sockets, browsers, thread, member, other_member
):
    laptop, phone = await browsers(other_member), await browsers(other_member)
    laptop_socket = await sockets(laptop, thread=thread)
    phone_socket = await sockets(phone, thread=thread)

    response = await database_sync_to_async(laptop.post)(reverse("account_logout"))
    assert response.status_code == 302

    assert await close_code(laptop_socket) == CLOSE_SESSION_ENDED
    reply = await post_reply(thread=thread, author=member, body="Still there on the phone?")
    assert [m["post"] for m in await messages_until_quiet(phone_socket) if m["type"] == "reply"] == [reply.pk]


async def test_resume_on_a_socket_whose_session_ended_answers_nothing_and_closes(
    sockets, browsers, thread, member, other_member
):
    """The session row is gone without any push (expired, or the push was lost)."""
    browser = await browsers(member)
    alice = await sockets(browser)
    await post_reply(thread=thread, author=other_member, body="Hold the button.")
    await messages_until_quiet(alice)
    await database_sync_to_async(session_store(browser).delete)()

    await alice.send_json_to({"type": "resume", "after": 0})

    assert await messages_until_quiet(alice) == [{"closed": CLOSE_SESSION_ENDED}]


async def test_a_password_change_closes_every_socket_opened_before_it(sockets, browsers, member):
    here, elsewhere = await browsers(member), await browsers(member)
    here_socket = await sockets(here)
    elsewhere_socket = await sockets(elsewhere)

    response = await database_sync_to_async(here.post)(
        reverse("account_change_password"),
        {"oldpassword": "correct-horse-battery", "password1": "a-new-lamp-9000", "password2": "a-new-lamp-9000"},
    )
    assert response.status_code == 302, response.content

    assert await close_code(elsewhere_socket) == CLOSE_SESSION_ENDED
    assert await close_code(here_socket) == CLOSE_SESSION_ENDED  # its session goes on under a new key
    await sockets(here)  # which the next page opens its socket with


# Notification rows shown through the reader's access now ---------------------------------------


@pytest.fixture
def moved_thread_rows(thread, other_member, staff_member, make_member):
    """Mentions notified while the thread was public; then it moved to a staff-only category."""
    services.post_reply(thread=thread, author=other_member, body=f"@alice @{staff_member.username} here is how.")
    staff_area = Category.objects.create(slug="internal", name="Internal", access=Category.Access.STAFF)
    type(thread).objects.filter(pk=thread.pk).update(category=staff_area, title="Recall of batch 7 (internal)")
    return thread


def test_a_notification_about_a_thread_that_became_staff_only_leaves_the_members_lists_and_counts(
    client, moved_thread_rows, member, staff_member, django_assert_max_num_queries
):
    assert Notification.objects.filter(recipient=member, kind=Kind.MENTION).exists()

    client.force_login(member)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("notifications:index"))
    menu = client.get(reverse("notifications:menu")).json()

    assert "Recall of batch 7" not in page.content.decode()
    assert "Recall of batch 7" not in menu["html"]
    assert menu["unread"] == 0

    client.force_login(staff_member)
    menu = client.get(reverse("notifications:menu")).json()
    assert "Recall of batch 7" in menu["html"]
    assert menu["unread"] == 1


async def test_resume_leaves_out_notifications_about_threads_the_member_may_no_longer_read(
    sockets, browsers, moved_thread_rows, member, staff_member
):
    alice = await sockets(await browsers(member))
    staff = await sockets(await browsers(staff_member))

    for person in (alice, staff):
        await person.send_json_to({"type": "resume", "after": 0})

    assert await messages_until_quiet(alice) == [{"type": "unread", "count": 0}]
    staff_received = await messages_until_quiet(staff)
    assert [m["type"] for m in staff_received] == ["notification", "unread"]
    assert "Recall of batch 7" in staff_received[0]["text"]


def test_a_notification_about_a_thread_that_became_staff_only_is_never_emailed(
    moved_thread_rows, member, staff_member, mailoutbox
):
    from notifications.email import send_due

    send_due(now=timezone.now() + timedelta(hours=1))

    recipients = [address for message in mailoutbox for address in message.to]
    assert member.email not in recipients
    assert staff_member.email in recipients
    assert all("Recall of batch 7" not in m.body for m in mailoutbox if member.email in m.to)
