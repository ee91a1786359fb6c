"""Reported private conversations and messages in the moderation queue, beside the reports on
posts: listed with the reported message, counted in the queue's live figure, opened by the
moderator while the report is open, and closed (on record in the audit log), after which the
conversation is private again, to the moderator too."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from conversations import services as conversations
from conversations.models import Conversation, Message
from moderation.models import Action, Report
from moderation.reports import file_report
from moderation.selectors import open_count
from notifications.models import Kind, Notification
from tests.conversations.test_live import of_type, open_for
from tests.forum.parsed import parse_html
from tests.moderation.test_permissions import QUEUE_MAX, ROLES, _count_queries, outcome
from tests.notifications.test_access_on_delivery import messages_until_quiet
from tests.notifications.test_delivery import sockets  # noqa: F401 (open sockets by session cookie, as browsers)

LOGIN = "login"


def talk(member, staff_member, *, subject="My order never arrived", extra=0):
    """Alice writes to the team, Sophie answers rudely; `extra` messages more, so that the
    rude answer is on the first of several pages."""
    conversation = conversations.start_team_conversation(member=member, subject=subject, body="Order A-1234?")
    rude = conversations.post_message(conversation=conversation, author=staff_member, body="Read the manual, idiot.")
    if extra:
        Message.objects.bulk_create(
            Message(conversation=conversation, author=member, body=f"m{n}", body_html=f"<p>m{n}</p>")
            for n in range(extra)
        )
        Conversation.objects.filter(pk=conversation.pk).update(message_count=F("message_count") + extra)
    return conversation, rude


@pytest.fixture
def reported(member, staff_member, moderator):
    """The rude answer, reported by Alice (Marc moderates), on the first of three pages of messages."""
    conversation, rude = talk(member, staff_member, extra=110)
    report = conversations.report_message(message=rude, reporter=member, reason="An insult from the team")
    return conversation, rude, report


def test_the_moderator_opens_the_report_on_the_reported_messages_page_with_it_highlighted(client, reported, moderator):
    conversation, rude, report = reported
    [told] = Notification.objects.filter(recipient=moderator, kind=Kind.NEW_REPORT)
    assert (
        told.url
        == report.get_absolute_url()
        == f"{conversation.get_absolute_url()}?message={rude.pk}#message-{rude.pk}"
    )
    client.force_login(moderator)

    page = parse_html(client.get(told.url.split("#")[0]).content)

    [shown] = page.find_all("article", class_="is-reported")
    assert shown.get("id") == f"message-{rude.pk}" and "Reported" in shown.text
    assert len(page.find_all("article", class_="message")) == 50  # the first page, not the last


def test_the_queue_lists_reported_conversations_and_messages_beside_reports_on_posts(
    client, reported, member, other_member, carol, staff_member, moderator, make_thread, discussion
):
    _conversation, _rude, _report = reported
    whole, _ = talk(carol, staff_member, subject="They keep writing to me")
    conversations.report_conversation(conversation=whole, reporter=carol, reason="Harassment all along")
    thread = make_thread(category=discussion, author=other_member, title="Spam thread")
    file_report(reporter=member, reason=Report.Reason.SPAM, thread=thread)
    client.force_login(moderator)

    page = client.get(reverse("moderation:queue")).content.decode()

    assert open_count() == 3
    assert "<span data-mod-queue>3</span> reported items wait" in page
    for shown in ("My order never arrived", "An insult from the team", "Read the manual, idiot.", "Spam thread"):
        assert shown in page
    assert "They keep writing to me" in page and "Harassment all along" in page
    assert "A message by Sophie" in page


def test_closing_from_the_queue_ends_the_moderators_access_and_is_on_record(
    client, reported, member, staff_member, moderator
):
    conversation, rude, _report = reported
    client.force_login(moderator)
    assert client.get(conversation.get_absolute_url()).status_code == 200

    response = client.post(
        reverse("moderation:close_conversation", args=[conversation.pk]), {"reason": "Spoke to the team lead"}
    )

    assert response.status_code == 302
    assert client.get(conversation.get_absolute_url()).status_code == 404
    assert client.get(reverse("conversations:message", args=[rude.pk])).status_code == 404
    assert open_count() == 0
    assert "My order never arrived" not in client.get(reverse("moderation:queue")).content.decode()
    action = Action.objects.get(kind=Action.Kind.CLOSE_REPORT)
    assert (action.actor, action.member, action.target) == (moderator, staff_member, f"conversation:{conversation.pk}")
    assert action.reason == "Spoke to the team lead" and action.after == {"reports": 1, "messages": [rude.pk]}
    log = client.get(reverse("moderation:log")).content.decode()
    assert f"Private conversation {conversation.pk}" in log and "Read the manual" not in log


def test_a_moderator_reading_a_reported_conversation_is_on_record_once_per_report(
    client_for, reported, member, staff_member, moderator, make_member
):
    conversation, rude, _report = reported
    mona = make_member("mona", moderator=True)
    marc, monas = client_for(moderator), client_for(mona)
    page, one_message = conversation.get_absolute_url(), reverse("conversations:message", args=[rude.pk])

    for url in (page, page, f"{page}?page=2", one_message):
        assert marc.get(url).status_code == 200
    assert monas.get(page).status_code == 200

    reads = Action.objects.filter(kind=Action.Kind.READ_REPORTED).order_by("pk")
    assert [(a.actor, a.member, a.target) for a in reads] == [
        (moderator, staff_member, f"conversation:{conversation.pk}"),
        (mona, staff_member, f"conversation:{conversation.pk}"),
    ]
    assert reads[0].after == {"reports": 1, "messages": [rude.pk]}
    log = marc.get(reverse("moderation:log")).content.decode()
    assert "Read a reported private conversation" in log and "Read the manual" not in log

    # A new report is read anew: one entry more for each moderator who reads it.
    conversations.report_conversation(conversation=conversation, reporter=member, reason="All of it")
    marc.get(page)
    marc.get(page)
    assert reads.filter(actor=moderator).count() == 2
    assert reads.filter(actor=moderator).last().after == {"reports": 2, "messages": [rude.pk]}


@pytest.mark.parametrize(
    ("role", "status", "on_record"),
    [
        ("author", 200, False),  # her own conversation
        ("staff", 200, False),  # the team's conversation: brand staff read it anyway
        ("moderating staff", 200, False),  # as staff, not because of the report
        ("moderator", 200, True),
        ("member", 404, False),
    ],
)
def test_only_a_reading_the_report_allows_is_on_record(client_for, reported, make_member, role, status, on_record):
    conversation, _rude, _report = reported
    people = {
        "author": conversation.member,
        "staff": make_member("sid", staff=True),
        "moderating staff": make_member("mia", staff=True, moderator=True),
        "moderator": make_member("mona", moderator=True),
        "member": make_member("bob"),
    }

    response = client_for(people[role]).get(conversation.get_absolute_url())

    assert response.status_code == status
    assert Action.objects.filter(kind=Action.Kind.READ_REPORTED).exists() is on_record


@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_close_a_private_report_from_the_queue(client_for, reported, make_member, role):
    conversation, _rude, _report = reported
    people = {
        "visitor": None,
        "member": make_member("bob"),
        "author": conversation.member,
        "suspended": make_member("sam", suspended_until=timezone.now() + timedelta(days=3)),
        "staff": make_member("sid", staff=True),
        "moderator": make_member("mona", moderator=True),
        "admin": make_member("root", admin=True),
    }

    response = client_for(people[role]).post(reverse("moderation:close_conversation", args=[conversation.pk]))

    allowed = role in {"moderator", "admin"}
    assert outcome(response) == (LOGIN if role == "visitor" else 302 if allowed else 403)
    assert Action.objects.filter(kind=Action.Kind.CLOSE_REPORT).count() == (1 if allowed else 0)
    assert open_count() == (0 if allowed else 1)


def test_a_closed_report_cannot_be_closed_twice(client, reported, moderator):
    conversation, _rude, _report = reported
    client.force_login(moderator)
    url = reverse("moderation:close_conversation", args=[conversation.pk])

    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 403
    assert client.post(reverse("moderation:close_conversation", args=[999999])).status_code == 404
    assert Action.objects.filter(kind=Action.Kind.CLOSE_REPORT).count() == 1


def test_a_member_reports_anothers_message_once_with_a_reason(client, settings, member, other_member):
    settings.MEMBER_MESSAGES, settings.MEMBER_MESSAGES_MIN_REPUTATION = True, 0
    conversation = conversations.start_member_conversation(
        sender=other_member, recipient=member, subject="Hello there", body="Send me your password."
    )
    message = conversation.messages.get()
    url = reverse("conversations:report_message", args=[message.pk])
    client.force_login(member)

    assert "Send me your password." in client.get(url).content.decode()
    empty = client.post(url, {"reason": "  "})
    assert empty.status_code == 400 and "Say what is wrong" in empty.content.decode()
    assert client.post(url, {"reason": "Phishing"}).status_code == 302
    again = client.post(url, {"reason": "Phishing!"})
    assert again.status_code == 400 and "You already reported this message." in again.content.decode()
    assert open_count() == 1


def test_the_queue_takes_a_fixed_number_of_queries_however_many_private_reports_it_shows(
    client_for, moderator, staff_member, make_member, django_assert_max_num_queries
):
    def report_many(count, tag):
        for n in range(count):
            writer = make_member(f"{tag}{n}")
            conversation, rude = talk(writer, staff_member, subject=f"{tag} conversation {n}")
            conversations.report_message(message=rude, reporter=writer, reason=f"Rude {n}")
            if n % 2:
                conversations.report_conversation(conversation=conversation, reporter=writer, reason="All of it")

    browser = client_for(moderator)
    report_many(3, "few")
    few = _count_queries(browser, "/mod/", django_assert_max_num_queries, QUEUE_MAX)
    report_many(20, "many")

    many = _count_queries(browser, "/mod/", django_assert_max_num_queries, QUEUE_MAX)

    assert few == many
    assert len(parse_html(browser.get("/mod/").content).find_all("article", class_="is-private")) == 20


@pytest.mark.django_db(transaction=True)
async def test_the_queue_count_follows_private_reports_live_for_moderators_alone(
    sockets,  # noqa: F811
    member,
    staff_member,
    moderator,
):
    conversation, rude = await database_sync_to_async(talk)(member, staff_member)
    marc, sophie = await open_for(sockets, moderator), await open_for(sockets, staff_member)

    await database_sync_to_async(conversations.report_message)(message=rude, reporter=member, reason="Rude")
    assert of_type(await messages_until_quiet(marc), "mod.queue") == [{"type": "mod.queue", "count": 1}]

    await database_sync_to_async(conversations.resolve_reports)(conversation=conversation, by=moderator)
    assert of_type(await messages_until_quiet(marc), "mod.queue") == [{"type": "mod.queue", "count": 0}]
    assert of_type(await messages_until_quiet(sophie), "mod.queue") == []
