"""Followers hear of each update and of the resolution: on the site, live, and by email as they chose."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from forum import services as forum_services
from incidents import services
from incidents.models import Status
from notifications import email
from notifications.models import Kind, Notification, Preference
from notifications.services import set_preferences
from tests.incidents.conftest import TITLE
from tests.notifications.test_socket import TIMEOUT, session_cookie_for, socket


def test_followers_get_an_email_for_an_update_unless_they_turned_emails_off(
    incident, member, other_member, staff_member
):
    for follower in (member, other_member):
        services.follow_incident(incident=incident, member=follower)
    set_preferences(member=other_member, choices={Kind.OFFICIAL_RESPONSE: (True, Preference.Email.OFF)})

    services.post_update(incident=incident, by=staff_member, status=Status.IDENTIFIED, body="A firmware bug.")
    email.send_due(timezone.now() + timedelta(hours=1))

    assert [m.to for m in mail.outbox] == [[member.email]]
    assert TITLE in mail.outbox[0].body
    assert Notification.objects.filter(recipient=other_member, kind=Kind.OFFICIAL_RESPONSE).exists()


def test_resolving_tells_every_follower(incident, member, other_member, carol, staff_member):
    for follower in (member, other_member, carol):
        services.follow_incident(incident=incident, member=follower)
    forum_services.mute_thread(thread=incident.thread, member=carol)

    update = services.resolve_incident(incident=incident, by=staff_member, body="Update 2.4.1 fixes it.")

    told = Notification.objects.filter(kind=Kind.OFFICIAL_RESPONSE, post=update.post)
    assert set(told.values_list("recipient", flat=True)) == {member.pk, other_member.pk}


def test_a_linked_thread_in_a_staff_only_category_tells_only_those_who_may_read_it(
    incident, make_thread, staff_category, staff_member, make_member
):
    colleague = make_member("colleague", staff=True)
    hidden = make_thread(category=staff_category, author=colleague, title="Internal: vendor firmware bug")

    services.link_thread(incident=incident, thread=hidden, by=staff_member)

    assert list(Notification.objects.filter(thread=hidden).values_list("recipient", flat=True)) == [colleague.pk]


@pytest.mark.django_db(transaction=True)
async def test_a_follower_receives_each_update_live(channel_layer, member, declare, staff_member):
    from channels.db import database_sync_to_async

    incident = await database_sync_to_async(declare)()
    await database_sync_to_async(services.follow_incident)(incident=incident, member=member)
    reader = socket(cookie=await database_sync_to_async(session_cookie_for)(member))
    try:
        assert (await reader.connect(timeout=TIMEOUT))[0]
        assert (await reader.receive_json_from(timeout=TIMEOUT))["type"] == "hello"
        await database_sync_to_async(services.post_update)(
            incident=incident, by=staff_member, status=Status.FIXING, body="A fix is coming."
        )
        received = [await reader.receive_json_from(timeout=TIMEOUT) for _ in range(2)]
    finally:
        await reader.disconnect()

    by_type = {message["type"]: message for message in received}
    assert set(by_type) == {"notification", "incidents"}
    assert by_type["notification"]["kind"] == Kind.OFFICIAL_RESPONSE and TITLE in by_type["notification"]["text"]
