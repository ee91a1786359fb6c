"""A visitor reading a thread signs up and, once their email is confirmed, is back on that
thread, signed in: four clicks (Sign up, the form's button, the link in the email, Confirm) and no
second log-in. Real allauth views through the test client; the email is read from the outbox.
"""

import html
import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client
from django.urls import reverse

Member = get_user_model()

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
SIGNUP_LINK = re.compile(r'href="(/accounts/signup/[^"]*)"')
HIDDEN_NEXT = re.compile(r'<input type="hidden" name="next" value="([^"]*)">')
CONFIRM_LINK = re.compile(re.escape(settings.SITE_URL) + r"(/accounts/confirm-email/\S+)")


@pytest.fixture
def thread(make_thread, discussion, member):
    return make_thread(category=discussion, author=member, title="Which bulb for a reading lamp?")


def sign_up_link(page) -> str:
    """The header's "Sign up" link on a page a visitor sees."""
    return html.unescape(SIGNUP_LINK.search(page.content.decode()).group(1))


def hidden_next(page) -> str:
    match = HIDDEN_NEXT.search(page.content.decode())
    return html.unescape(match.group(1)) if match else ""


def submit_signup(client, form_page, username="claire"):
    data = {"username": username, "email": f"{username}@example.com", "password1": PASSWORD, "password2": PASSWORD}
    if back := hidden_next(form_page):
        data["next"] = back
    return client.post(reverse("account_signup"), data)


def confirmation_link(mailoutbox, username="claire") -> str:
    [message] = [m for m in mailoutbox if m.to == [f"{username}@example.com"]]
    return html.unescape(CONFIRM_LINK.search(message.body).group(1))


def confirm(client, link):
    """Open the link, then press the page's Confirm button (its form carries the link's `next`)."""
    page = client.get(link)
    assert page.status_code == 200
    data = {"next": back} if (back := hidden_next(page)) else {}
    return client.post(link.split("?")[0], data)


def test_confirming_the_email_signs_in_and_returns_to_the_thread_in_four_clicks(client, thread, mailoutbox):
    clicks = []
    reading = client.get(thread.get_absolute_url())

    clicks.append("Sign up")
    form_page = client.get(sign_up_link(reading))
    clicks.append("Sign up (the form's button)")
    signed_up = submit_signup(client, form_page)
    assert signed_up.status_code == 302
    assert client.session.get(SESSION_KEY) is None, "not signed in before the address is confirmed"
    clicks.append("the link in the email")
    link = confirmation_link(mailoutbox)
    clicks.append("Confirm")
    confirmed = confirm(client, link)

    assert confirmed.status_code == 302
    assert confirmed["Location"] == thread.get_absolute_url()
    claire = Member.objects.get(username="claire")
    assert client.session.get(SESSION_KEY) == str(claire.pk), "signed in without logging in again"
    assert EmailAddress.objects.get(user=claire).verified
    back = client.get(confirmed["Location"])
    assert back.status_code == 200
    assert back.context["user"] == claire
    assert len(clicks) == 4, clicks


def test_the_thread_pages_own_invitation_to_create_an_account_carries_the_thread_too(client, thread):
    page = client.get(thread.get_absolute_url())

    links = {html.unescape(href) for href in SIGNUP_LINK.findall(page.content.decode())}

    assert links == {f"/accounts/signup/?next={thread.get_absolute_url()}"}


def test_the_confirmation_email_links_back_to_the_page_signed_up_from(client, thread, mailoutbox):
    form_page = client.get(f"{reverse('account_signup')}?next={thread.get_absolute_url()}")
    submit_signup(client, form_page)

    link = confirmation_link(mailoutbox)

    assert link.endswith(f"?next={thread.get_absolute_url().replace('/', '%2F')}")


def test_a_link_opened_in_another_browser_confirms_and_returns_to_the_thread_without_signing_in(
    client, thread, mailoutbox
):
    """Signing in takes the browser that signed up (allauth keeps the pending log-in in its session):
    anyone else holding the link only confirms the address."""
    submit_signup(client, client.get(f"{reverse('account_signup')}?next={thread.get_absolute_url()}"))
    link = confirmation_link(mailoutbox)
    elsewhere = Client()

    confirmed = confirm(elsewhere, link)

    assert confirmed.status_code == 302
    assert confirmed["Location"] == thread.get_absolute_url()
    assert elsewhere.session.get(SESSION_KEY) is None
    assert EmailAddress.objects.get(user__username="claire").verified


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/phish", "//evil.example/phish", "http://evil.example/", "javascript:alert(1)"],
)
def test_a_next_on_another_site_is_dropped_at_every_step(client, mailoutbox, target):
    form_page = client.get(reverse("account_signup"), {"next": target})
    assert hidden_next(form_page) == target, "the form carries it, as given..."

    signed_up = submit_signup(client, form_page)

    assert signed_up.status_code == 302
    link = confirmation_link(mailoutbox)
    assert "next=" not in link, "...the email does not"
    page = client.get(link, {"next": target})
    confirmed = client.post(link, {"next": hidden_next(page) or target})

    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/"
    assert client.session.get(SESSION_KEY) == str(Member.objects.get(username="claire").pk)
