"""Query budgets: the inbox ≤ 8, a conversation ≤ 12, with enough rows that an N+1 would show."""

import pytest
from django.db.models import F
from django.urls import reverse

from conversations import services
from conversations.models import Conversation, Message, Participant


@pytest.fixture
def busy(start, member, staff_member, make_member):
    """Alice has 12 conversations; the first has 30 messages by 6 different people."""
    colleagues = [make_member(f"agent{n}", staff=True, title="Support") for n in range(5)]
    conversations = [start(member, subject=f"Question number {n}") for n in range(12)]
    first = conversations[0]
    for person in colleagues:
        services.join_conversation(conversation=first, member=person)
    rows = []
    for n in range(30):
        author = [member, *colleagues][n % 6]
        rows.append(Message(conversation=first, author=author, body=f"m{n}", body_html=f"<p>m{n}</p>"))
    Message.objects.bulk_create(rows)
    Conversation.objects.filter(pk=first.pk).update(message_count=F("message_count") + len(rows))
    Participant.objects.filter(member=member).update(unread=True)
    return first


def test_the_inbox_costs_at_most_8_queries(client, busy, member, django_assert_max_num_queries):
    client.force_login(member)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("conversations:inbox"))
    assert response.content.decode().count('class="thread-row') == 12


def test_a_conversation_costs_at_most_12_queries_for_its_member(client, busy, member, django_assert_max_num_queries):
    client.force_login(member)
    with django_assert_max_num_queries(12):
        response = client.get(busy.get_absolute_url())
    assert response.content.decode().count('class="card message') == 31


def test_a_conversation_costs_at_most_12_queries_for_staff(client, busy, staff_member, django_assert_max_num_queries):
    client.force_login(staff_member)
    with django_assert_max_num_queries(12):
        response = client.get(busy.get_absolute_url())
    assert response.status_code == 200


def test_a_reported_conversation_at_its_reported_message_costs_a_moderator_at_most_12_queries(
    client, busy, member, moderator, django_assert_max_num_queries
):
    reported = Message.objects.filter(conversation=busy).exclude(author=member).order_by("id")[3]
    services.report_message(message=reported, reporter=member, reason="Rude")
    client.force_login(moderator)
    url = f"{busy.get_absolute_url()}?message={reported.pk}"
    with django_assert_max_num_queries(14):  # the first reading writes its audit entry
        client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.content.decode().count("is-reported") == 1


def test_the_staff_queue_of_conversations_costs_a_fixed_number_of_queries(
    client, busy, staff_member, django_assert_max_num_queries
):
    client.force_login(staff_member)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("staff:conversations"))
    assert response.content.decode().count("Question number") == Conversation.objects.count()
