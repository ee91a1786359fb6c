"""allauth's emails speak for the site: signed with SITE_NAME, their links on SITE_URL whatever
host the request came in by (the demo used to say "Hello from 127.0.0.1:8000!"), in the
recipient's language. Real allauth views; the mail is read from the outbox."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
SITE_URL = "https://forum.lumio.example"
LINK = re.compile(r"https?://\S+")


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_NAME = "Lumio Community"
    settings.SITE_URL = SITE_URL
    settings.ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Lumio Community] "
    # The request comes in by an address that is not the public one (a proxy, the demo's port).
    settings.ALLOWED_HOSTS = ["internal"]
    with translation.override(translation.get_language()):
        yield


def browser(client, language="en"):
    client.defaults.update(HTTP_HOST="internal:8000", HTTP_ACCEPT_LANGUAGE=language)
    return client


def sign_up(client, username="claire", email="claire@example.com"):
    response = client.post(
        reverse("account_signup"),
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    return response


def links(message) -> list[str]:
    return LINK.findall(message.body)


def test_the_confirmation_email_names_the_site_and_links_to_its_public_address(client, mailoutbox):
    sign_up(browser(client))

    [message] = mailoutbox
    assert message.subject == "[Lumio Community] Please Confirm Your Email Address"
    assert message.body.startswith("Hello from Lumio Community!")
    assert "register an account on forum.lumio.example." in message.body
    assert message.body.rstrip().endswith("Thank you for using Lumio Community!\nforum.lumio.example")
    assert "internal" not in message.body and "127.0.0.1" not in message.body
    [link] = links(message)
    assert link.startswith(f"{SITE_URL}/accounts/confirm-email/")
    # The link works: its path confirms the address.
    path = link.removeprefix(SITE_URL)
    assert client.post(path).status_code == 302


def test_the_confirmation_email_in_french(client, mailoutbox):
    sign_up(browser(client, "fr"))

    [message] = mailoutbox
    assert message.subject == "[Lumio Community] Confirmez votre adresse e-mail"
    assert message.body.startswith("Bonjour, c'est Lumio Community !")
    assert "sur forum.lumio.example." in message.body
    assert "Merci d'utiliser Lumio Community !\nforum.lumio.example" in message.body
    assert links(message)[0].startswith(f"{SITE_URL}/accounts/confirm-email/")


def test_a_password_reset_email_is_on_the_public_address_in_the_members_language(client, make_member, mailoutbox):
    make_member("alice", language="fr")

    client = browser(client, "en")
    client.post(reverse("account_reset_password"), {"email": "alice@example.com"})

    [message] = mailoutbox
    assert message.body.startswith("Bonjour, c'est Lumio Community !"), "Alice chose French"
    [link] = links(message)
    assert link.startswith(f"{SITE_URL}/accounts/password/reset/key/")
    assert client.get(link.removeprefix(SITE_URL)).status_code == 302, "the key moves into the session"


def test_signing_up_with_a_registered_address_sends_links_on_the_public_address(client, make_member, mailoutbox):
    make_member("alice")

    sign_up(browser(client), username="impostor", email="alice@example.com")

    [message] = mailoutbox
    assert message.to == ["alice@example.com"]
    assert message.body.startswith("Hello from Lumio Community!")
    assert links(message) == [f"{SITE_URL}/accounts/password/reset/"]


def test_a_password_reset_for_an_unknown_address_offers_sign_up_on_the_public_address(client, mailoutbox):
    client = browser(client)
    client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})

    [message] = mailoutbox
    assert links(message) == [f"{SITE_URL}/accounts/signup/"]


def test_security_notices_are_signed_with_the_site_name_in_the_members_language(client, make_member, mailoutbox):
    make_member("alice", language="fr")
    client = browser(client, "en")
    client.post(reverse("account_login"), {"login": "alice", "password": PASSWORD})
    mailoutbox.clear()

    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "tranquil-otter-lantern-42", "password2": "tranquil-otter-lantern-42"},
    )

    [message] = mailoutbox
    assert message.body.startswith("Bonjour, c'est Lumio Community !")
    assert message.body.rstrip().endswith("Merci d'utiliser Lumio Community !\nforum.lumio.example")
    assert "internal" not in message.body
