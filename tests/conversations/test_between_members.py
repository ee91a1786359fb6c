"""Private messages between members: off by default; when on, a reputation threshold, daily
limits, blocking, and the same privacy as conversations with the team."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conversations import between_members, services
from conversations.models import Conversation
from web.limits import RateLimited

NEW = reverse("conversations:new")


@pytest.fixture
def on(settings):
    settings.MEMBER_MESSAGES = True
    settings.MEMBER_MESSAGES_MIN_REPUTATION = 10


@pytest.fixture
def trusted(member):
    type(member).objects.filter(pk=member.pk).update(reputation=50)
    member.refresh_from_db()
    return member


def write(client, to, subject="Your lamp settings", body="Which scene do you use?"):
    return client.post(f"{NEW}?to={to.username}", {"subject": subject, "body": body})


def test_messages_between_members_are_off_by_default(client, trusted, other_member):
    client.force_login(trusted)
    assert client.get(f"{NEW}?to={other_member.username}").status_code == 403
    assert write(client, other_member).status_code == 403
    profile = client.get(reverse("profiles:profile", args=[other_member.username])).content.decode()
    assert "Send a private message" not in profile
    assert not Conversation.objects.exists()


def test_a_trusted_member_writes_to_another_and_only_the_two_read_it(
    on, client, trusted, other_member, carol, staff_member
):
    client.force_login(trusted)
    assert (
        "Send a private message"
        in client.get(reverse("profiles:profile", args=[other_member.username])).content.decode()
    )
    response = write(client, other_member)
    conversation = Conversation.objects.get()
    assert response.status_code == 302 and conversation.kind == Conversation.Kind.MEMBERS
    for person, code in ((other_member, 200), (trusted, 200), (carol, 404), (staff_member, 404)):
        client.force_login(person)
        assert client.get(conversation.get_absolute_url()).status_code == code
    client.force_login(other_member)
    assert client.post(reverse("conversations:reply", args=[conversation.pk]), {"body": "Sunset!"}).status_code == 302


def test_a_member_under_the_reputation_threshold_cannot_start_one(on, client, member, other_member):
    client.force_login(member)
    response = write(client, other_member)
    assert response.status_code == 403 and "10 reputation points" in response.content.decode()


def test_a_block_stops_both_new_conversations_and_replies_both_ways(on, client, trusted, other_member):
    conversation = services.start_member_conversation(
        sender=trusted, recipient=other_member, subject="Lamp scenes", body="Hello"
    )
    client.force_login(other_member)
    client.post(reverse("conversations:block", args=[trusted.username]))
    assert client.post(reverse("conversations:reply", args=[conversation.pk]), {"body": "Hi"}).status_code == 403
    client.force_login(trusted)
    assert client.post(reverse("conversations:reply", args=[conversation.pk]), {"body": "Hi?"}).status_code == 403
    assert write(client, other_member).status_code == 403
    client.force_login(other_member)
    client.post(reverse("conversations:block", args=[trusted.username]), {"action": "unblock"})
    assert client.post(reverse("conversations:reply", args=[conversation.pk]), {"body": "Hi"}).status_code == 302


def test_past_the_days_limit_a_new_conversation_gets_a_429_and_no_row(
    on, settings, client, trusted, other_member, carol
):
    settings.POSTING_LIMITS = True
    settings.MEMBER_CONVERSATIONS_PER_DAY = 1
    client.force_login(trusted)
    assert write(client, other_member).status_code == 302
    refused = write(client, carol, subject="Another question")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert Conversation.objects.count() == 1


def test_staff_are_not_held_by_the_threshold_nor_the_limits(on, settings, staff_member, other_member, carol):
    settings.POSTING_LIMITS = True
    settings.MEMBER_CONVERSATIONS_PER_DAY = 1
    for recipient in (other_member, carol):
        between_members.check_can_write_to(staff_member, recipient)
        services.start_member_conversation(sender=staff_member, recipient=recipient, subject="Hello there", body="Hi")
    assert Conversation.objects.count() == 2


@pytest.mark.parametrize("body", ["", "   \n ", "Null\x00byte", "x" * 50_001])
def test_a_refused_message_takes_nothing_of_the_days_allowance(on, settings, trusted, other_member, body):
    settings.POSTING_LIMITS = True
    settings.MEMBER_CONVERSATIONS_PER_DAY = settings.MEMBER_MESSAGES_PER_DAY = 1
    with pytest.raises(ValidationError):
        services.start_member_conversation(sender=trusted, recipient=other_member, subject="Lamp scenes", body=body)
    conversation = services.start_member_conversation(
        sender=trusted, recipient=other_member, subject="Lamp scenes", body="Hello"
    )

    for _attempt in range(3):
        with pytest.raises(ValidationError):
            services.post_message(conversation=conversation, author=trusted, body=body)

    services.post_message(conversation=conversation, author=trusted, body="Which scene do you use?")
    with pytest.raises(RateLimited):
        services.post_message(conversation=conversation, author=trusted, body="And at night?")
    assert conversation.messages.count() == 2
