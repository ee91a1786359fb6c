"""A conversation with the team from the outside: starting one, answering, the header's count,
notifications and emails, the staff's claim and assignment, continuing a thread in private,
and what never leaves it (search, profiles, the public thread, the admin's audit)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conversations import services
from conversations.models import Conversation, Message, Participant
from moderation.models import Action
from notifications.email import send_due
from notifications.models import Kind, Notification
from search.queue import apply_all
from tests.forum.parsed import parse_html

SECRET = "Serial-ZX81-secret"


def test_a_member_contacts_the_team_from_the_form_and_lands_on_the_conversation(client, member, questions):
    client.force_login(member)
    response = client.post(
        reverse("conversations:new"),
        {"subject": "Refund for order 1234", "category": questions.pk, "body": f"My serial is **{SECRET}**."},
    )
    conversation = Conversation.objects.get()
    assert response.status_code == 302 and response["Location"] == conversation.get_absolute_url()
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert f"<strong>{SECRET}</strong>" in page
    assert conversation.is_team and conversation.member == member and conversation.awaiting_since is not None


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"subject": "Hi", "body": "Help"}, "The subject needs at least"),
        ({"subject": "A proper subject", "body": "   "}, "Write a message first"),
        ({"subject": "A proper subject", "body": "bad \x01 text"}, "control characters"),
    ],
)
def test_bad_input_gets_a_400_with_its_message_and_writes_nothing(client, member, data, error):
    client.force_login(member)
    response = client.post(reverse("conversations:new"), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Conversation.objects.exists() and not Message.objects.exists()


def test_an_empty_reply_is_refused_with_a_400_and_no_row(client, conversation, member):
    client.force_login(member)
    response = client.post(reverse("conversations:reply", args=[conversation.pk]), {"body": ""})
    assert response.status_code == 400
    assert Message.objects.filter(conversation=conversation).count() == 2


def test_the_header_counts_unread_conversations_until_the_member_opens_them(client, conversation, member):
    member.refresh_from_db()
    assert member.unread_conversations == 1  # Sophie's answer
    client.force_login(member)
    home = client.get("/").content.decode()
    assert 'id="inbox-count">1<' in home
    client.get(conversation.get_absolute_url())
    member.refresh_from_db()
    assert member.unread_conversations == 0
    assert 'id="inbox-count">0<' in client.get("/").content.decode()


def test_a_second_message_on_an_unread_conversation_does_not_count_it_twice(conversation, member, staff_member):
    services.post_message(conversation=conversation, author=staff_member, body="Found it.")
    member.refresh_from_db()
    assert member.unread_conversations == 1


def test_the_member_is_notified_and_emailed_without_the_message_nor_its_subject(conversation, member):
    [notification] = Notification.objects.filter(recipient=member)
    assert notification.kind == Kind.MESSAGE and notification.thread is None
    mail.outbox.clear()
    send_due(timezone.now() + timedelta(hours=1))
    [email] = [m for m in mail.outbox if member.email in m.to]
    assert "sent you a private message" in email.body
    assert conversation.subject not in email.body + email.subject and "Let me check" not in email.body


def test_claiming_makes_the_assignee_a_participant_and_assigning_tells_the_colleague(
    client, start, member, staff_member, make_member
):
    conversation = start(member)
    colleague = make_member("theo", staff=True)
    client.force_login(staff_member)
    client.post(reverse("conversations:assign", args=[conversation.pk]), {"action": "claim"})
    assert Participant.objects.filter(conversation=conversation, member=staff_member).exists()
    client.post(reverse("conversations:assign", args=[conversation.pk]), {"action": "assign", "to": "theo"})
    conversation.refresh_from_db()
    assert conversation.assignee == colleague
    assert Notification.objects.filter(recipient=colleague, kind=Kind.ASSIGNED, url=conversation.get_absolute_url())
    assert (
        client.post(
            reverse("conversations:assign", args=[conversation.pk]), {"action": "assign", "to": member.username}
        ).status_code
        == 302
    )
    conversation.refresh_from_db()
    assert conversation.assignee == colleague  # a member is never an assignee


def test_a_staff_answer_takes_the_conversation_out_of_the_waiting_queue(start, member, staff_member):
    conversation = start(member)
    services.post_message(conversation=conversation, author=staff_member, body="Hello!")
    conversation.refresh_from_db()
    assert conversation.awaiting_since is None
    services.post_message(conversation=conversation, author=member, body="One more thing.")
    conversation.refresh_from_db()
    assert conversation.awaiting_since is not None


def test_staff_continue_a_thread_in_private_and_the_thread_says_so_without_the_content(
    client, questions, make_thread, member, other_member, staff_member
):
    thread = make_thread(
        category=questions, author=member, title="My lamp blinks red", replies=[(other_member, "Same")]
    )
    client.force_login(staff_member)
    form = client.get(reverse("conversations:new") + f"?thread={thread.pk}")
    assert form.status_code == 200 and "Continue in private" in form.content.decode()
    client.post(
        reverse("conversations:new") + f"?thread={thread.pk}",
        {
            "member": member.username,
            "subject": "Your lamp",
            "body": f"Send us its serial {SECRET}.",
            "public_note": "We continue this in private.",
        },
    )
    conversation = Conversation.objects.get()
    assert conversation.thread == thread and conversation.member == member
    client.logout()
    public = client.get(thread.get_absolute_url()).content.decode()
    assert "We continue this in private." in public and SECRET not in public
    thread.refresh_from_db()
    assert not thread.has_official_response  # the note is not an answer


def test_continue_in_private_offers_the_threads_members_but_not_staff_nor_closed_accounts(
    client, questions, make_thread, make_member, member, other_member, staff_member, moderator
):
    colleague, gone = make_member("theo", staff=True), make_member("gaston")
    thread = make_thread(
        category=questions,
        author=member,
        replies=[(other_member, "Same"), (colleague, "Looking"), (gone, "Me too"), (moderator, "Be kind")],
    )
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)
    client.force_login(staff_member)

    form = parse_html(client.get(reverse("conversations:new") + f"?thread={thread.pk}").content)

    [choice] = [select for select in form.find_all("select") if select.get("name") == "member"]
    offered = {option.get("value") for option in choice.children}
    assert offered == {member.username, other_member.username, moderator.username}
    with pytest.raises(ValidationError):
        services.take_private(thread=thread, by=staff_member, member=colleague, subject="Hello there", body="Hi")


def test_only_brand_staff_continue_a_thread_in_private(client, questions, make_thread, member, moderator):
    thread = make_thread(category=questions, author=member)
    for person in (member, moderator):
        client.force_login(person)
        assert client.get(reverse("conversations:new") + f"?thread={thread.pk}").status_code == 403


def test_a_conversation_never_shows_in_search_nor_in_profiles(
    client, start, member, discussion, make_thread, staff_member
):
    start(member, subject=f"About {SECRET}", body=f"It is {SECRET} indeed.")
    make_thread(category=discussion, author=member, title="Public kettle question", body=f"Public {SECRET} mention.")
    apply_all()
    for person in (None, member, staff_member):
        client.logout()
        if person:
            client.force_login(person)
        results = client.get("/search/", {"q": SECRET}).content.decode()
        assert "Public kettle question" in results  # the search works
        assert f"About {SECRET}" not in results and "indeed" not in results
        profile = client.get(reverse("profiles:profile", args=[member.username])).content.decode()
        assert f"About {SECRET}" not in profile and "indeed" not in profile


def test_an_admin_opening_a_conversation_in_the_admin_leaves_an_audit_entry(client, conversation, admin_member):
    client.force_login(admin_member)
    listing = client.get(reverse("admin:conversations_conversation_changelist"))
    assert listing.status_code == 200 and conversation.subject not in listing.content.decode()
    assert not Action.objects.exists()  # the list reads nothing private
    page = client.get(reverse("admin:conversations_conversation_change", args=[conversation.pk]))
    assert page.status_code == 200
    [entry] = Action.objects.all()
    assert entry.kind == Action.Kind.READ_CONVERSATION and entry.actor == admin_member
    assert entry.target == f"conversation:{conversation.pk}" and entry.member_id == conversation.member_id


@pytest.mark.parametrize("query", ["thread=²", "thread=99999999999999999999", "to=nobody-here"])
def test_a_bad_address_on_the_contact_form_is_a_4xx_never_a_500(client, staff_member, query):
    client.force_login(staff_member)
    assert client.get(f"{reverse('conversations:new')}?{query}").status_code in (200, 403, 404)


def test_a_bad_saved_reply_or_conversation_id_is_ignored(client, conversation, staff_member):
    client.force_login(staff_member)
    assert client.get(conversation.get_absolute_url(), {"insert": "²"}).status_code == 200
    assert client.get(reverse("conversations:search_saved"), {"q": "x", "conversation": "²"}).status_code == 200


def test_a_conversation_past_its_topics_target_tells_staff_once_until_they_answer(
    start, member, staff_member, questions
):
    questions.response_target_hours = 4
    questions.save()
    conversation = start(member, category=questions)
    later = timezone.now() + timedelta(hours=5)
    assert services.notify_target_breaches(timezone.now()) == 0  # not yet
    assert services.notify_target_breaches(later) == 1
    assert services.notify_target_breaches(later) == 0  # once per wait
    [told] = Notification.objects.filter(recipient=staff_member, kind=Kind.TARGET_BREACHED)
    assert told.url == conversation.get_absolute_url()
    services.post_message(conversation=conversation, author=staff_member, body="On it.")
    services.post_message(conversation=conversation, author=member, body="Thanks, one more thing.")
    assert services.notify_target_breaches(later + timedelta(hours=5)) == 1  # a new wait, a new alert


def test_recount_conversations_repairs_the_cached_numbers_from_the_rows(conversation, member, staff_member):
    member.refresh_from_db()
    assert member.unread_conversations == 1
    Conversation.objects.update(message_count=99)
    type(member).objects.filter(pk=member.pk).update(unread_conversations=7)

    call_command("recount_conversations", stdout=StringIO())

    conversation.refresh_from_db()
    member.refresh_from_db()
    staff_member.refresh_from_db()
    assert conversation.message_count == Message.objects.filter(conversation=conversation).count()
    assert (member.unread_conversations, staff_member.unread_conversations) == (1, 0)


def test_an_unknown_assign_action_is_a_400_that_changes_nothing(client, start, member, staff_member):
    conversation = start(member)
    client.force_login(staff_member)

    response = client.post(reverse("conversations:assign", args=[conversation.pk]), {"action": "give-away"})

    assert response.status_code == 400 and "Unknown action." in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.assignee is None
