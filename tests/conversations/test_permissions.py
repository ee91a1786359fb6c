"""Who reaches each address of a conversation: the matrix, from the outside.

Readers: a visitor, the conversation's member, another member, brand staff, a moderator
without a report (who must not even learn it exists) and with one, and a suspended member
(in a conversation of their own: they read it, and write nothing).
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conversations import services
from conversations.models import Message

VISITOR, OWNER, OTHER, STAFF, MODERATOR, REPORTED_MODERATOR, SUSPENDED = (
    "visitor",
    "owner",
    "other member",
    "staff",
    "moderator",
    "moderator with a report",
    "suspended",
)
LOGIN = "login"


@pytest.fixture
def cases(conversation, start, member, other_member, staff_member, moderator, carol, make_member):
    """Each reader, with the conversation they try to reach."""
    reported = start(carol, subject="Someone is rude to me")
    services.report_conversation(conversation=reported, reporter=carol, reason="Insults in the second message")
    dmitri = make_member("dmitri")
    own = start(dmitri, subject="My refund, please")
    type(dmitri).objects.filter(pk=dmitri.pk).update(suspended_until=timezone.now() + timedelta(days=3))
    dmitri.refresh_from_db()
    return {
        # The moderator without a report first: the owner's report (in the report test) gives them access.
        MODERATOR: (moderator, conversation),
        VISITOR: (None, conversation),
        OWNER: (member, conversation),
        OTHER: (other_member, conversation),
        STAFF: (staff_member, conversation),
        REPORTED_MODERATOR: (moderator, reported),
        SUSPENDED: (dmitri, own),
    }


def _answers(client, cases, method, address, data=None) -> dict:
    found = {}
    for who, (person, conversation) in cases.items():
        client.logout()
        if person is not None:
            client.force_login(person)
        response = getattr(client, method)(address(conversation), data or {})
        code = response.status_code
        if code == 302 and "/accounts/login/" in response["Location"]:
            code = LOGIN
        found[who] = code
    return found


def _expect(**codes) -> dict:
    names = {
        "visitor": VISITOR,
        "owner": OWNER,
        "other": OTHER,
        "staff": STAFF,
        "moderator": MODERATOR,
        "reported": REPORTED_MODERATOR,
        "suspended": SUSPENDED,
    }
    return {names[key]: value for key, value in codes.items()}


def at(name):
    return lambda conversation: reverse(f"conversations:{name}", args=[conversation.pk])


def test_the_conversation_page_is_read_by_its_people_staff_and_a_moderator_only_once_reported(client, cases):
    assert _answers(client, cases, "get", at("conversation")) == _expect(
        visitor=LOGIN, owner=200, other=404, staff=200, moderator=404, reported=200, suspended=200
    )


def test_one_message_fetched_live_follows_the_same_rule_as_its_page(client, cases):
    def message_of(conversation):
        return reverse("conversations:message", args=[Message.objects.filter(conversation=conversation).first().pk])

    assert _answers(client, cases, "get", message_of) == _expect(
        visitor=LOGIN, owner=200, other=404, staff=200, moderator=404, reported=200, suspended=200
    )


def test_writing_is_for_the_member_and_staff_never_a_moderator_nor_a_suspended_member(client, cases):
    assert _answers(client, cases, "post", at("reply"), {"body": "Any news?"}) == _expect(
        visitor=LOGIN, owner=302, other=404, staff=302, moderator=404, reported=403, suspended=403
    )


def test_only_staff_join_and_assign_a_conversation_with_the_team(client, cases):
    expected = _expect(visitor=LOGIN, owner=403, other=404, staff=302, moderator=404, reported=403, suspended=403)
    assert _answers(client, cases, "post", at("join")) == expected
    assert _answers(client, cases, "post", at("assign"), {"action": "claim"}) == expected


def test_only_a_moderator_closes_a_report_after_which_the_conversation_is_private_to_them_again(client, cases):
    assert _answers(client, cases, "post", at("resolve")) == _expect(
        visitor=LOGIN, owner=403, other=404, staff=403, moderator=404, reported=302, suspended=403
    )
    # Its report closed, the reported conversation is out of the moderator's reach again (404).
    assert _answers(client, cases, "post", at("report"), {"reason": "Spam"}) == _expect(
        visitor=LOGIN, owner=302, other=404, staff=302, moderator=404, reported=404, suspended=403
    )


def test_reporting_a_message_is_for_its_people_never_of_their_own_message(client, cases):
    """The message is each conversation's latest: the staff answer in Alice's (Sophie's own)."""

    def report_latest(conversation):
        latest = Message.objects.filter(conversation=conversation).latest("id")
        return reverse("conversations:report_message", args=[latest.pk])

    assert _answers(client, cases, "get", report_latest) == _expect(
        visitor=LOGIN, owner=200, other=404, staff=403, moderator=404, reported=403, suspended=403
    )
    assert _answers(client, cases, "post", report_latest, {"reason": "Rude"}) == _expect(
        visitor=LOGIN, owner=302, other=404, staff=403, moderator=404, reported=403, suspended=403
    )


def test_marking_read_answers_whoever_may_read(client, cases):
    assert _answers(client, cases, "post", at("read")) == _expect(
        visitor=LOGIN, owner=204, other=404, staff=204, moderator=404, reported=204, suspended=204
    )


def test_the_inbox_lists_a_members_own_conversations_and_nobody_elses(client, conversation, other_member, member):
    client.force_login(other_member)
    assert conversation.subject not in client.get(reverse("conversations:inbox")).content.decode()
    client.force_login(member)
    assert conversation.subject in client.get(reverse("conversations:inbox")).content.decode()


def test_the_reported_box_is_for_moderators_and_shows_only_reported_conversations(client, cases, moderator, member):
    _owner, conversation = cases[OWNER]
    _moderator, reported = cases[REPORTED_MODERATOR]
    client.force_login(moderator)
    page = client.get(reverse("conversations:inbox") + "?box=reported").content.decode()
    assert reported.subject in page
    assert conversation.subject not in page
    client.force_login(member)
    assert reported.subject not in client.get(reverse("conversations:inbox") + "?box=reported").content.decode()


def test_the_staff_workspace_lists_waiting_conversations_for_brand_staff_only(
    client, conversation, start, carol, staff_member, moderator, member
):
    waiting = start(carol, subject="Where is my invoice?")
    address = reverse("staff:conversations")
    client.force_login(staff_member)
    page = client.get(address).content.decode()
    assert waiting.subject in page
    assert conversation.subject not in page  # staff answered it: it waits for nobody
    for person in (moderator, member):
        client.force_login(person)
        assert client.get(address).status_code == 403


def test_visitors_are_sent_to_log_in_from_every_list(client):
    for name in ("inbox", "new"):
        response = client.get(reverse(f"conversations:{name}"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
