"""The language a member chose follows them: every log-in gives the browser their language
(profiles.receivers.on_logged_in, on allauth's user_logged_in), so a second browser speaks it
from its first page after the log-in. Real allauth views through the test client."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
LANG = re.compile(r'<html lang="([a-z-]+)">')


@pytest.fixture(autouse=True)
def _language_restored():
    """A log-in in French activates French in this thread: the tests that follow find the language they had."""
    with translation.override(translation.get_language()):
        yield


def browser(language="en"):
    """A browser of its own (no cookie yet) whose system language is `language`."""
    return Client(headers={"accept-language": language})


def log_in(client, login, next_url="/"):
    return client.post(f"{reverse('account_login')}?next={next_url}", {"login": login, "password": PASSWORD})


def page_language(response) -> str:
    return LANG.search(response.content.decode()).group(1)


def test_a_language_chosen_in_one_browser_applies_at_log_in_in_another(make_member, discussion):
    make_member("alice")
    laptop, phone = browser(), browser()
    log_in(laptop, "alice")
    laptop.get(reverse("switch_language"), {"language": "fr", "next": "/"})

    logged_in = log_in(phone, "alice", next_url=discussion.get_absolute_url())

    assert logged_in.status_code == 302
    assert logged_in.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    first_page = phone.get(logged_in["Location"])
    assert first_page.status_code == 200
    assert page_language(first_page) == "fr"
    assert "Catégories" in first_page.content.decode()


def test_the_signed_in_message_already_speaks_the_members_language(make_member):
    make_member("alice", language="fr")
    phone = browser()

    page = phone.get(log_in(phone, "alice")["Location"])

    assert [str(message) for message in page.context["messages"]] == ["Connexion avec alice réussie."]


def test_a_saved_language_wins_over_the_browsers_own(make_member):
    make_member("bruno", language="en")
    french_browser = browser("fr")
    assert page_language(french_browser.get("/")) == "fr"

    logged_in = log_in(french_browser, "bruno")

    assert logged_in.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert page_language(french_browser.get("/")) == "en"


def test_a_member_with_no_saved_language_keeps_the_browsers(make_member):
    make_member("carol", language="")
    french_browser = browser("fr")

    logged_in = log_in(french_browser, "carol")

    assert french_browser.session.get(SESSION_KEY)
    assert settings.LANGUAGE_COOKIE_NAME not in logged_in.cookies
    assert page_language(french_browser.get("/")) == "fr"


def test_the_language_cookie_of_a_log_in_is_the_switchs_cookie(make_member):
    """One cookie, set by one function (config.language.remember_language)."""
    make_member("alice", language="fr")
    phone = browser()

    from_log_in = log_in(phone, "alice").cookies[settings.LANGUAGE_COOKIE_NAME]
    from_switch = phone.get(reverse("switch_language"), {"language": "fr"}).cookies[settings.LANGUAGE_COOKIE_NAME]

    for attribute in ("max-age", "samesite", "httponly", "secure", "path"):
        assert from_log_in[attribute] == from_switch[attribute], attribute


def test_confirming_an_email_signs_in_with_the_language_of_sign_up(mailoutbox):
    french = browser("fr")
    french.post(
        reverse("account_signup"),
        {"username": "claire", "email": "claire@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    link = re.search(r"(/accounts/confirm-email/\S+)", mailoutbox[0].body).group(1)

    confirmed = french.post(link)

    assert french.session.get(SESSION_KEY)
    assert confirmed.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
