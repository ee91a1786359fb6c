"""Saved replies: a library brand staff share, searched and inserted from a conversation's
composer with its placeholders filled, with and without JavaScript."""

import pytest
from django.urls import reverse

from conversations import saved_replies
from conversations.models import SavedReply


@pytest.fixture
def library(staff_member):
    return [
        saved_replies.save_reply(
            by=staff_member,
            title="Refund steps",
            body="Hello {member}, here is how refunds work. {me}, {site}",
            language="en",
        ),
        saved_replies.save_reply(
            by=staff_member,
            title="Étapes du remboursement",
            body="Bonjour {member}, voici comment se passe un remboursement. {me}",
            language="fr",
        ),
    ]


def test_staff_find_a_reply_filled_for_the_member_in_the_members_language_first(
    client, conversation, library, member, staff_member
):
    type(member).objects.filter(pk=member.pk).update(language="fr")
    client.force_login(staff_member)
    response = client.get(
        reverse("conversations:search_saved"), {"q": "rembours refund", "conversation": conversation.pk}
    )
    assert response.json()["replies"] == []  # every word must match
    found = client.get(reverse("conversations:search_saved"), {"q": "remb", "conversation": conversation.pk}).json()
    [first] = found["replies"]
    assert first["language"] == "fr"
    assert first["body"] == "Bonjour Alice Martin, voici comment se passe un remboursement. Sophie Durand"


def test_without_javascript_a_chosen_reply_opens_in_the_composer(client, conversation, library, staff_member):
    client.force_login(staff_member)
    listing = client.get(conversation.get_absolute_url(), {"saved": "refund"}).content.decode()
    assert f"?insert={library[0].pk}#reply" in listing
    page = client.get(conversation.get_absolute_url(), {"insert": library[0].pk}).content.decode()
    assert "Hello Alice Martin, here is how refunds work. Sophie Durand, Agora</textarea>" in page


def test_members_and_moderators_neither_search_nor_insert_saved_replies(
    client, conversation, library, member, moderator
):
    for person in (member, moderator):
        client.force_login(person)
        assert client.get(reverse("conversations:search_saved"), {"q": "refund"}).status_code == 403
        assert client.get(reverse("conversations:library")).status_code == 403
    client.force_login(member)
    page = client.get(conversation.get_absolute_url(), {"insert": library[0].pk, "saved": "refund"}).content.decode()
    assert "refunds work" not in page and "Refund steps" not in page


def test_staff_add_edit_and_delete_replies_in_the_library(client, staff_member):
    client.force_login(staff_member)
    response = client.post(
        reverse("conversations:library"), {"title": "Shipping times", "language": "en", "body": "Two days, {member}."}
    )
    assert response.status_code == 302
    reply = SavedReply.objects.get()
    client.post(
        reverse("conversations:edit_saved", args=[reply.pk]),
        {"title": "Shipping delays", "language": "en", "body": "Three days."},
    )
    reply.refresh_from_db()
    assert (reply.title, reply.body) == ("Shipping delays", "Three days.")
    assert "Shipping delays" in client.get(reverse("conversations:library"), {"q": "delays"}).content.decode()
    client.post(reverse("conversations:delete_saved", args=[reply.pk]))
    assert not SavedReply.objects.exists()


def test_a_reply_without_title_or_in_an_unknown_language_is_refused_with_a_400(client, staff_member):
    client.force_login(staff_member)
    for data in ({"title": " ", "language": "en", "body": "x"}, {"title": "Hi", "language": "de", "body": "x"}):
        assert client.post(reverse("conversations:library"), data).status_code == 400
    assert not SavedReply.objects.exists()
