"""Email for notifications still unread after the delay, daily digests, and one-click unsubscribe.

Time moves by passing `now=` to notifications.email.send_due (what the
command calls with the real clock); the mail goes to pytest-django's
locmem outbox.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import timezone, translation

from forum import services
from notifications import email, messages, unsubscribe
from notifications.models import DigestRun, Kind, Notification, Preference
from notifications.services import DEFAULT_EMAIL, mark_read, set_preferences

DELAY = timedelta(minutes=10)
JUST_BEFORE = DELAY - timedelta(seconds=30)
JUST_AFTER = DELAY + timedelta(seconds=30)


@pytest.fixture(autouse=True)
def _email_settings(settings):
    settings.NOTIFICATION_EMAIL_DELAY_MINUTES = 10
    settings.SITE_URL = "https://forum.example.com"
    settings.SITE_NAME = "Agora"


@pytest.fixture
def thread(discussion, start_thread, member):
    return start_thread(category=discussion, author=member, title="How do I pair my lamp?")


@pytest.fixture
def reply(thread, other_member):
    """bruno replies: alice's REPLY is emailed right away by default; bruno's badge is not emailed."""
    return services.post_reply(thread=thread, author=other_member, body="Hold the button.")


@pytest.fixture
def alice_reply(member, reply):
    return Notification.objects.get(recipient=member)


def later(delta: timedelta):
    return timezone.now() + delta


def to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def unsubscribe_link(message) -> str:
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<https://forum.example.com/notifications/unsubscribe/") and header.endswith("/>")
    return header[1:-1].removeprefix("https://forum.example.com")


# When -------------------------------------------------------------------------------------


def test_nothing_is_sent_before_the_delay(alice_reply, mailoutbox):
    assert email.send_due(now=later(JUST_BEFORE)) == 0

    assert mailoutbox == []
    alice_reply.refresh_from_db()
    assert alice_reply.emailed_at is None


def test_a_notification_still_unread_after_the_delay_is_emailed(alice_reply, mailoutbox):
    now = later(JUST_AFTER)

    assert email.send_due(now=now) == 1

    [message] = mailoutbox
    assert message.to == ["alice@example.com"]
    assert message.subject == "[Agora] 1 new notification"
    assert "Hello Alice Martin," in message.body
    assert "Bruno Lefèvre replied to “How do I pair my lamp?”" in message.body
    assert f"https://forum.example.com/notifications/{alice_reply.pk}/open/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="https://forum.example.com/notifications/{alice_reply.pk}/open/"' in html
    alice_reply.refresh_from_db()
    assert alice_reply.emailed_at == now


def test_a_notification_read_before_the_delay_is_never_emailed(alice_reply, member, mailoutbox):
    mark_read(notification=alice_reply, member=member)

    email.send_due(now=later(JUST_AFTER))

    assert mailoutbox == []


def test_a_notification_is_emailed_once_only(alice_reply, mailoutbox):
    email.send_due(now=later(JUST_AFTER))
    email.send_due(now=later(JUST_AFTER + timedelta(minutes=5)))
    email.send_due(now=later(timedelta(days=3)))

    assert len(to("alice@example.com")) == 1


def test_new_activity_on_an_emailed_notification_makes_it_due_again(thread, alice_reply, carol, mailoutbox):
    Notification.objects.filter(pk=alice_reply.pk).update(updated_at=timezone.now() - JUST_AFTER)
    email.send_due(now=timezone.now())
    services.post_reply(thread=thread, author=carol, body="Or unplug it.")

    email.send_due(now=later(JUST_BEFORE))  # the collapsed row changed just now: not yet due
    assert len(mailoutbox) == 1
    email.send_due(now=later(JUST_AFTER))

    assert len(mailoutbox) == 2
    assert "2 new replies to “How do I pair my lamp?”" in mailoutbox[1].body


def test_one_email_gathers_every_due_notification_of_a_member(thread, alice_reply, carol, mailoutbox, start_thread):
    services.post_reply(thread=thread, author=carol, body="@alice, or unplug it.")

    email.send_due(now=later(JUST_AFTER))

    [message] = mailoutbox
    assert message.subject == "[Agora] 2 new notifications"
    assert "Carol Nguyen mentioned you" in message.body and "replied to" in message.body


def test_the_delay_comes_from_the_settings(settings, alice_reply, mailoutbox):
    settings.NOTIFICATION_EMAIL_DELAY_MINUTES = 60

    email.send_due(now=later(JUST_AFTER))
    assert mailoutbox == []
    email.send_due(now=later(timedelta(minutes=61)))

    assert len(mailoutbox) == 1


def test_the_command_sends_what_is_due_by_the_real_clock(alice_reply, mailoutbox):
    Notification.objects.filter(pk=alice_reply.pk).update(updated_at=timezone.now() - JUST_AFTER)
    out = StringIO()

    call_command("send_notification_emails", stdout=out)

    assert out.getvalue().strip() == "1 email(s) sent."
    assert len(mailoutbox) == 1


def test_the_command_sends_nothing_for_fresh_notifications(alice_reply, mailoutbox):
    out = StringIO()

    call_command("send_notification_emails", stdout=out)

    assert out.getvalue().strip() == "0 email(s) sent."
    assert mailoutbox == []


def test_a_mail_server_that_is_down_leaves_the_notification_due(settings, alice_reply, mailoutbox):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2  # nothing listens there

    assert email.send_due(now=later(JUST_AFTER)) == 0
    alice_reply.refresh_from_db()
    assert alice_reply.emailed_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert email.send_due(now=later(JUST_AFTER)) == 1


def test_a_member_without_an_email_address_is_skipped_once(member, alice_reply, mailoutbox):
    member.email = ""
    member.save(update_fields=["email"])

    assert email.send_due(now=later(JUST_AFTER)) == 0
    alice_reply.refresh_from_db()
    assert alice_reply.emailed_at is not None  # not tried again on every run


def a_full_batch_then_one_mention(busy, quiet, mention_thread, **busy_rows):
    """A full email batch of an hour-old rows for `busy` (sorted first), then one mention for `quiet`."""
    old = timezone.now() - timedelta(hours=1)
    Notification.objects.bulk_create(
        Notification(recipient=busy, created_at=old, updated_at=old, **busy_rows) for _ in range(email.BATCH)
    )
    Notification.objects.create(
        recipient=quiet, kind=Kind.MENTION, thread=mention_thread, created_at=old, updated_at=old
    )


def test_kinds_a_member_never_wants_by_email_do_not_hold_up_anyone_elses(thread, make_member, mailoutbox):
    # A busy member with a full batch of notifications they never want by email (badges, by default).
    busy, quiet = make_member("aaron"), make_member("zoe")
    a_full_batch_then_one_mention(busy, quiet, thread, kind=Kind.BADGE, data={"badge": "supporter"})

    email.send_due(now=timezone.now())
    email.send_due(now=timezone.now())

    assert len(to("zoe@example.com")) == 1
    assert to("aaron@example.com") == []


def test_rows_waiting_for_a_digest_do_not_hold_up_anyone_elses(thread, make_member, mailoutbox):
    # A busy member had a digest an hour ago and has a full batch waiting for the next one.
    busy, quiet = make_member("aaron"), make_member("zoe")
    set_preferences(member=busy, choices={Kind.MENTION: (True, Preference.Email.DAILY)})
    DigestRun.objects.create(member=busy, sent_at=timezone.now() - timedelta(hours=1))
    a_full_batch_then_one_mention(busy, quiet, thread, kind=Kind.MENTION, thread=thread)

    email.send_due(now=timezone.now())
    email.send_due(now=timezone.now())

    assert len(to("zoe@example.com")) == 1
    assert to("aaron@example.com") == []
    # aaron's rows wait for his digest, due a day after the last one, and then go in it.
    email.send_due(now=timezone.now() + timedelta(hours=23, minutes=1))
    [digest] = to("aaron@example.com")
    assert digest.subject == "[Agora] Your daily summary"


def test_rows_held_for_a_digest_follow_a_change_to_right_away(thread, member, other_member, carol, mailoutbox):
    set_preferences(member=member, choices={Kind.REPLY: (True, Preference.Email.DAILY)})
    services.post_reply(thread=thread, author=other_member, body="Hold the button.")
    start = timezone.now()
    email.send_due(now=start + JUST_AFTER)  # the first digest
    services.post_reply(thread=thread, author=carol, body="Or unplug it.")
    email.send_due(now=start + 2 * JUST_AFTER)  # held for tomorrow's digest
    assert len(to("alice@example.com")) == 1

    set_preferences(member=member, choices={Kind.REPLY: (True, Preference.Email.IMMEDIATE)})
    email.send_due(now=start + 3 * JUST_AFTER)

    [_digest, message] = to("alice@example.com")
    assert message.subject == "[Agora] 1 new notification"
    assert "2 new replies to" in message.body


# Preferences ------------------------------------------------------------------------------


def test_the_email_defaults_are_right_away_for_direct_news_and_off_for_the_rest():
    assert DEFAULT_EMAIL == {
        Kind.REPLY: Preference.Email.IMMEDIATE,
        Kind.MENTION: Preference.Email.IMMEDIATE,
        Kind.ANSWER_ACCEPTED: Preference.Email.IMMEDIATE,
        Kind.SUSPENDED: Preference.Email.IMMEDIATE,
        Kind.OFFICIAL_RESPONSE: Preference.Email.IMMEDIATE,
        Kind.IDEA_STATUS: Preference.Email.IMMEDIATE,  # the answer ideas wait for
        Kind.HELP_INVITE: Preference.Email.IMMEDIATE,  # a question waits for the member's answer
        Kind.BOOKMARK_REMINDER: Preference.Email.IMMEDIATE,  # the member asked to be reminded then
        Kind.MESSAGE: Preference.Email.IMMEDIATE,  # someone wrote to the member in private
    }


def test_kinds_off_by_default_are_not_emailed(reply, other_member, carol, mailoutbox):
    services.cast_vote(post=reply, voter=carol)  # bruno: a HELPFUL and badges, all off by email by default
    assert Notification.objects.filter(recipient=other_member).exclude(kind__in=list(DEFAULT_EMAIL)).exists()

    email.send_due(now=later(JUST_AFTER))

    assert to("bruno@example.com") == []


def test_a_kind_turned_off_by_email_is_not_sent(member, alice_reply, mailoutbox):
    set_preferences(member=member, choices={Kind.REPLY: (True, Preference.Email.OFF)})

    email.send_due(now=later(JUST_AFTER))

    assert mailoutbox == []


def test_a_kind_off_on_the_site_but_on_by_email_is_still_emailed(thread, member, other_member, mailoutbox):
    set_preferences(member=member, choices={Kind.REPLY: (False, Preference.Email.IMMEDIATE)})
    services.post_reply(thread=thread, author=other_member, body="Hold the button.")

    email.send_due(now=later(JUST_AFTER))

    assert len(to("alice@example.com")) == 1


def test_a_kind_turned_on_by_email_is_sent(reply, other_member, carol, mailoutbox):
    set_preferences(member=other_member, choices={Kind.HELPFUL: (True, Preference.Email.IMMEDIATE)})
    services.cast_vote(post=reply, voter=carol)

    email.send_due(now=later(JUST_AFTER))

    [message] = to("bruno@example.com")
    assert "Carol Nguyen found your post in “How do I pair my lamp?” helpful" in message.body
    assert "badge" not in message.body  # badges are still off


def test_a_daily_digest_goes_out_at_most_once_a_day(thread, member, other_member, carol, dmitri, mailoutbox):
    set_preferences(member=member, choices={Kind.REPLY: (True, Preference.Email.DAILY)})
    services.post_reply(thread=thread, author=other_member, body="Hold the button.")
    start = timezone.now()

    email.send_due(now=start + JUST_AFTER)
    [digest] = to("alice@example.com")
    assert digest.subject == "[Agora] Your daily summary"
    assert "Here is what happened while you were away:" in digest.body
    assert DigestRun.objects.get(member=member).sent_at == start + JUST_AFTER

    services.post_reply(thread=thread, author=carol, body="Or unplug it.")  # the row is due again
    email.send_due(now=start + timedelta(hours=2))
    email.send_due(now=start + timedelta(hours=23))
    assert len(to("alice@example.com")) == 1

    email.send_due(now=start + JUST_AFTER + timedelta(days=1, minutes=1))
    assert len(to("alice@example.com")) == 2
    assert "2 new replies to" in to("alice@example.com")[1].body


def test_a_daily_member_gets_no_immediate_email_for_that_kind(thread, member, other_member, mailoutbox):
    set_preferences(member=member, choices={Kind.REPLY: (True, Preference.Email.DAILY)})
    services.post_reply(thread=thread, author=other_member, body="Hold the button.")

    email.send_due(now=later(JUST_AFTER))

    [message] = to("alice@example.com")
    assert message.subject == "[Agora] Your daily summary"


# Language ---------------------------------------------------------------------------------


def test_a_french_member_is_emailed_in_french(member, alice_reply, mailoutbox):
    member.language = "fr"
    member.save(update_fields=["language"])

    email.send_due(now=later(JUST_AFTER))

    [message] = mailoutbox
    with translation.override("fr"):
        expected = messages.text(Notification.objects.select_related("actor", "thread").get(pk=alice_reply.pk))
    assert expected in message.body
    assert translation.get_language() == "en"  # the member's language did not leak into the caller


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("digest", [True, False])
def test_the_email_templates_render_in_each_language(member, language, digest):
    context = {
        "member": member,
        "entries": [{"text": "Bruno a répondu", "url": "https://forum.example.com/notifications/1/open/"}],
        "digest": digest,
        "site_name": "Agora",
        "preferences_url": "https://forum.example.com/notifications/preferences/",
        "unsubscribe_url": "https://forum.example.com/notifications/unsubscribe/x/",
    }
    with translation.override(language):
        subject = render_to_string("notifications/email/subject.txt", context).strip()
        text = render_to_string("notifications/email/body.txt", context)
        html = render_to_string("notifications/email/body.html", context)

    assert subject.startswith("[Agora] ") and "\n" not in subject
    assert "Bruno a répondu" in text and "Bruno a répondu" in html
    assert context["unsubscribe_url"] in text and context["unsubscribe_url"] in html


# Unsubscribe ------------------------------------------------------------------------------


def test_the_email_carries_a_signed_one_click_unsubscribe_link(member, alice_reply, mailoutbox):
    email.send_due(now=later(JUST_AFTER))

    [message] = mailoutbox
    link = unsubscribe_link(message)
    token = link.removeprefix("/notifications/unsubscribe/").rstrip("/")
    assert unsubscribe.read_token(token) == (member.pk, None)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "https://forum.example.com" + link in message.body


def test_opening_the_unsubscribe_link_asks_for_confirmation_and_changes_nothing(
    client, member, alice_reply, mailoutbox
):
    email.send_due(now=later(JUST_AFTER))
    link = unsubscribe_link(mailoutbox[0])

    response = client.get(link)

    assert response.status_code == 200
    assert "Stop these emails?" in response.content.decode()
    assert "You will no longer receive any notification emails." in response.content.decode()
    assert not Preference.objects.filter(member=member).exists()


def test_posting_the_unsubscribe_link_turns_every_email_off_without_logging_in(
    client, member, alice_reply, thread, carol, mailoutbox
):
    set_preferences(member=member, choices={Kind.HELPFUL: (False, Preference.Email.DAILY)})
    email.send_due(now=later(JUST_AFTER))
    link = unsubscribe_link(mailoutbox[0])
    client.cookies.clear()

    response = client.post(link)

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    prefs = {p.kind: (p.on_site, p.email) for p in Preference.objects.filter(member=member)}
    assert set(prefs) == set(Kind.values)
    assert {e for _site, e in prefs.values()} == {Preference.Email.OFF}
    assert prefs[Kind.HELPFUL] == (False, Preference.Email.OFF)  # the on-site choice is kept
    assert prefs[Kind.REPLY] == (True, Preference.Email.OFF)

    services.post_reply(thread=thread, author=carol, body="@alice, or unplug it.")
    email.send_due(now=later(timedelta(days=2)))
    assert len(mailoutbox) == 1


def test_a_link_for_one_kind_turns_only_that_kind_off(client, member):
    token = unsubscribe.make_token(member.pk, Kind.MENTION)

    response = client.post(f"/notifications/unsubscribe/{token}/")

    assert response.status_code == 200
    assert "Mentions of you" in response.content.decode()
    assert list(Preference.objects.filter(member=member).values_list("kind", "email")) == [
        (Kind.MENTION, Preference.Email.OFF)
    ]


def tampered(token: str) -> list[str]:
    value, signature = token.rsplit(":", 1)
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return [
        f"{value}:{flipped}",
        f"{value}x:{signature}",
        value,
        "nonsense",
        signing.dumps({"m": 1, "k": ""}, salt="another.salt", compress=True),
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_unsubscribe_link_is_a_404_and_changes_nothing(client, member, method):
    for token in tampered(unsubscribe.make_token(member.pk, None)):
        response = getattr(client, method)(f"/notifications/unsubscribe/{token}/")

        assert response.status_code == 404, token
    assert not Preference.objects.filter(member=member).exists()


def test_a_link_naming_another_member_cannot_be_forged(client, member, other_member):
    signature = unsubscribe.make_token(member.pk, None).rsplit(":", 1)[1]
    forged = unsubscribe.make_token(other_member.pk, None).rsplit(":", 1)[0] + ":" + signature

    assert client.post(f"/notifications/unsubscribe/{forged}/").status_code == 404
    assert not Preference.objects.filter(member=other_member).exists()


def test_a_link_for_an_unknown_kind_or_a_closed_account_is_a_404(client, member):
    assert (
        client.get(f"/notifications/unsubscribe/{unsubscribe.make_token(member.pk, 'weekly-news')}/").status_code == 404
    )
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert client.get(f"/notifications/unsubscribe/{unsubscribe.make_token(member.pk, None)}/").status_code == 404
