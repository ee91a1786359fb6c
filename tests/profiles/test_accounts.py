"""Accounts through HTTP: django-allauth as Agora configures it (config/settings.py).

Login by username or email, mandatory email verification, no account enumeration,
rate limits on. Every test speaks to the real views with the Django test client and
reads the mail allauth sends from pytest-django's `mailoutbox`.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.urls import reverse

Member = get_user_model()

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "tranquil-otter-lantern-42"

SIGNUP_URL = reverse("account_signup")
LOGIN_URL = reverse("account_login")
LOGOUT_URL = reverse("account_logout")
VERIFICATION_SENT_URL = reverse("account_email_verification_sent")
RESET_URL = reverse("account_reset_password")
RESET_DONE_URL = reverse("account_reset_password_done")
CHANGE_PASSWORD_URL = reverse("account_change_password")
EMAIL_URL = reverse("account_email")

# Links in emails are on SITE_URL, whatever host the request came in by (test_account_emails.py).
CONFIRM_LINK = re.compile(re.escape(settings.SITE_URL) + r"(/accounts/confirm-email/[^/\s]+/)")
RESET_LINK = re.compile(re.escape(settings.SITE_URL) + r"(/accounts/password/reset/key/[^/\s]+/)")


def signup(client, username="claire", email="claire@example.com", password=PASSWORD, **extra):
    return client.post(
        SIGNUP_URL,
        {"username": username, "email": email, "password1": password, "password2": password},
        **extra,
    )


def log_in(client, login, password=PASSWORD):
    return client.post(LOGIN_URL, {"login": login, "password": password})


def logged_in_id(client):
    return client.session.get(SESSION_KEY)


def link_in(message, pattern):
    match = pattern.search(message.body)
    assert match, f"no link in the email:\n{message.body}"
    return match.group(1)


def mail_to(mailoutbox, address):
    return [message for message in mailoutbox if address in message.to]


@pytest.fixture
def signed_up(client, mailoutbox):
    """A visitor who has just signed up as claire: member created, email not confirmed yet."""
    response = signup(client)
    assert response.status_code == 302
    return Member.objects.get(username="claire")


@pytest.fixture
def verified(client, signed_up, mailoutbox):
    """Claire after following the confirmation link (which signed her in), logged out again."""
    client.post(link_in(mailoutbox[0], CONFIRM_LINK))
    client.logout()
    return signed_up


# Sign-up and verification ------------------------------------------------------------------


def test_signup_creates_an_unverified_member_and_sends_a_confirmation_email(client, mailoutbox):
    response = signup(client)

    assert response.status_code == 302
    assert response["Location"] == VERIFICATION_SENT_URL
    claire = Member.objects.get(username="claire")
    assert claire.email == "claire@example.com"
    assert claire.check_password(PASSWORD)
    address = EmailAddress.objects.get(user=claire)
    assert address.email == "claire@example.com"
    assert address.primary
    assert not address.verified
    assert logged_in_id(client) is None, "mandatory verification: no session before the email is confirmed"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["claire@example.com"]
    assert mailoutbox[0].subject.startswith("[Agora] ")
    link_in(mailoutbox[0], CONFIRM_LINK)


def test_following_the_confirmation_link_verifies_the_email(client, signed_up, mailoutbox):
    link = link_in(mailoutbox[0], CONFIRM_LINK)

    page = client.get(link)
    assert page.status_code == 200
    assert not EmailAddress.objects.get(user=signed_up).verified, "a GET alone does not confirm"

    response = client.post(link)

    assert response.status_code == 302
    assert EmailAddress.objects.get(user=signed_up).verified


def test_a_confirmation_link_with_a_made_up_key_verifies_nothing(client, signed_up):
    link = reverse("account_confirm_email", args=["not-a-real-key"])

    page = client.get(link)
    response = client.post(link)

    assert page.status_code == 200
    assert page.context["confirmation"] is None, "the page says the link is invalid or expired"
    assert response.status_code == 404
    assert not EmailAddress.objects.get(user=signed_up).verified


def test_login_before_verification_is_held_back(client, signed_up):
    response = log_in(client, "claire")

    assert response.status_code == 302
    assert response["Location"] == VERIFICATION_SENT_URL
    assert logged_in_id(client) is None


def test_login_after_verification_works_by_username(client, verified):
    response = log_in(client, "claire")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in_id(client) == str(verified.pk)


def test_login_after_verification_works_by_email(client, verified):
    response = log_in(client, "claire@example.com")

    assert response.status_code == 302
    assert logged_in_id(client) == str(verified.pk)


def test_login_by_email_ignores_the_case_of_the_address(client, verified):
    response = log_in(client, "Claire@Example.COM")

    assert response.status_code == 302
    assert logged_in_id(client) == str(verified.pk)


def test_login_with_a_wrong_password_shows_a_form_error(client, member):
    response = log_in(client, "alice", "not-the-password")

    assert response.status_code == 200
    assert response.context["form"].errors
    assert logged_in_id(client) is None


def test_login_as_an_unknown_member_shows_the_same_form_error_as_a_wrong_password(client, member):
    wrong_password = log_in(client, "alice", "not-the-password")
    unknown = log_in(client, "nobody-here", "not-the-password")

    assert unknown.status_code == 200
    assert unknown.context["form"].non_field_errors() == wrong_password.context["form"].non_field_errors()


def test_logout_by_post_ends_the_session(client, member):
    log_in(client, "alice")
    assert logged_in_id(client) == str(member.pk)

    response = client.post(LOGOUT_URL)

    assert response.status_code == 302
    assert logged_in_id(client) is None


def test_signup_in_french_saves_french_as_the_preferred_language(client, mailoutbox):
    response = signup(client, headers={"accept-language": "fr"})

    assert response.status_code == 302
    assert Member.objects.get(username="claire").language == "fr"


def test_signup_in_english_saves_english_as_the_preferred_language(client, mailoutbox):
    signup(client, headers={"accept-language": "en"})

    assert Member.objects.get(username="claire").language == "en"


def test_signup_with_a_reserved_username_is_refused(client, mailoutbox):
    response = signup(client, username="moderator", email="sneaky@example.com")

    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert not Member.objects.filter(email="sneaky@example.com").exists()


# Enumeration -------------------------------------------------------------------------------


def test_signup_does_not_reveal_that_an_email_exists(client, member, mailoutbox):
    fresh = signup(client, username="newcomer", email="newcomer@example.com")
    mailoutbox.clear()
    client.logout()

    taken = signup(client, username="impostor", email="alice@example.com")

    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"] == VERIFICATION_SENT_URL
    assert not Member.objects.filter(username="impostor").exists()
    assert Member.objects.filter(email__iexact="alice@example.com").count() == 1
    # The only mail goes to the real owner of the address, telling them someone tried.
    assert all(message.to == ["alice@example.com"] for message in mailoutbox)
    assert all(not CONFIRM_LINK.search(message.body) for message in mailoutbox)


def test_password_reset_for_a_known_address_sends_a_reset_link(client, member, mailoutbox):
    response = client.post(RESET_URL, {"email": "alice@example.com"})

    assert response.status_code == 302
    assert response["Location"] == RESET_DONE_URL
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["alice@example.com"]
    link_in(mailoutbox[0], RESET_LINK)


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_no_link(client, member, mailoutbox):
    known = client.post(RESET_URL, {"email": "alice@example.com"})
    mailoutbox.clear()

    unknown = client.post(RESET_URL, {"email": "nobody@example.com"})

    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"] == RESET_DONE_URL
    assert all(not RESET_LINK.search(message.body) for message in mailoutbox)
    assert all(message.to == ["nobody@example.com"] for message in mailoutbox)


def test_the_reset_done_page_does_not_name_the_address(client, member):
    response = client.post(RESET_URL, {"email": "nobody@example.com"}, follow=True)

    assert response.status_code == 200
    assert b"nobody@example.com" not in response.content


# Password reset, password change, email change ---------------------------------------------


def test_the_reset_link_sets_a_new_password_that_works(client, member, mailoutbox):
    client.post(RESET_URL, {"email": "alice@example.com"})
    link = link_in(mailoutbox[0], RESET_LINK)

    # The key moves from the URL into the session, then the form is on the redirected page.
    opened = client.get(link)
    assert opened.status_code == 302
    form_url = opened["Location"]
    assert client.get(form_url).status_code == 200
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    client.logout()
    assert log_in(client, "alice", PASSWORD).status_code == 200, "the old password no longer works"
    assert log_in(client, "alice", NEW_PASSWORD).status_code == 302
    assert logged_in_id(client) == str(member.pk)


def test_a_reset_link_works_only_once(client, member, mailoutbox):
    client.post(RESET_URL, {"email": "alice@example.com"})
    link = link_in(mailoutbox[0], RESET_LINK)
    form_url = client.get(link)["Location"]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()

    reused = client.get(link)

    assert reused.status_code == 200
    assert reused.context["token_fail"]
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


def test_password_change_keeps_the_member_logged_in_with_the_new_password(client, member, mailoutbox):
    log_in(client, "alice")

    response = client.post(
        CHANGE_PASSWORD_URL,
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert logged_in_id(client) == str(member.pk)
    # ACCOUNT_EMAIL_NOTIFICATIONS: the owner hears about it.
    assert [message.to for message in mailoutbox] == [["alice@example.com"]]


def test_password_change_with_a_wrong_current_password_is_refused(client, member):
    log_in(client, "alice")

    response = client.post(
        CHANGE_PASSWORD_URL,
        {"oldpassword": "not-the-password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "oldpassword" in response.context["form"].errors
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_password_change_needs_a_logged_in_member(client):
    response = client.get(CHANGE_PASSWORD_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_email_change_takes_effect_only_once_the_new_address_is_confirmed(client, member, mailoutbox):
    log_in(client, "alice")

    response = client.post(EMAIL_URL, {"action_add": "", "email": "alice.new@example.com"})

    assert response.status_code == 302
    new = EmailAddress.objects.get(user=member, email="alice.new@example.com")
    assert not new.verified
    assert not new.primary
    assert EmailAddress.objects.get(user=member, email="alice@example.com").primary
    member.refresh_from_db()
    assert member.email == "alice@example.com"
    [confirmation] = mail_to(mailoutbox, "alice.new@example.com")

    client.post(link_in(confirmation, CONFIRM_LINK))

    new.refresh_from_db()
    assert new.verified
    assert new.primary
    assert not EmailAddress.objects.filter(user=member, email="alice@example.com").exists()
    member.refresh_from_db()
    assert member.email == "alice.new@example.com"
    client.logout()
    assert log_in(client, "alice.new@example.com").status_code == 302
    assert logged_in_id(client) == str(member.pk)


def test_email_change_to_an_address_another_member_owns_neither_reveals_it_nor_takes_it(
    client, member, other_member, mailoutbox
):
    log_in(client, "alice")
    fresh = client.post(EMAIL_URL, {"action_add": "", "email": "alice.new@example.com"})
    mailoutbox.clear()

    taken = client.post(EMAIL_URL, {"action_add": "", "email": "bruno@example.com"})

    # Same answer as for a free address (ACCOUNT_PREVENT_ENUMERATION)...
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    # ...and even if the link that went to Bruno's inbox is followed, Alice does not get the address.
    for message in mail_to(mailoutbox, "bruno@example.com"):
        match = CONFIRM_LINK.search(message.body)
        if match:
            client.post(match.group(1))
    member.refresh_from_db()
    assert member.email == "alice@example.com"
    assert not EmailAddress.objects.filter(user=member, email="bruno@example.com", verified=True).exists()
    assert EmailAddress.objects.get(user=other_member, email="bruno@example.com").primary


# Rate limits -------------------------------------------------------------------------------


def test_repeated_failed_logins_are_eventually_refused_even_with_the_right_password(client, member):
    refused = None
    for attempt in range(1, 16):
        response = log_in(client, "alice", f"wrong-guess-{attempt}")
        if response.status_code == 429 or "too many" in str(response.context["form"].errors).lower():
            refused = attempt
            break

    assert refused is not None, "no rate limit after 15 failed logins"
    assert refused <= 11
    response = log_in(client, "alice", PASSWORD)
    assert response.status_code in {200, 429}
    assert logged_in_id(client) is None
