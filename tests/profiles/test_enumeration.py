"""Sign-up and log-in by email tell nothing about whether the address is registered.

ACCOUNT_PREVENT_ENUMERATION is on: the answer (status, redirect, messages shown) and its time
are the same for an address on file and for a new one. Timings use the password hasher that
production uses (Django's default, not the fast one the other tests use): with a fast hasher,
the difference these tests look for would not show.
"""

import itertools
import statistics
import time

import pytest
from django.conf import global_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
SIGNUP_URL = reverse("account_signup")
LOGIN_URL = reverse("account_login")
ATTEMPTS = 7
_names = itertools.count(1)


@pytest.fixture
def production_hasher(settings):
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    settings.ACCOUNT_RATE_LIMITS = False  # fourteen attempts in a row are the point here


@pytest.fixture
def registered(make_member, production_hasher):
    """alice, whose password is stored with the production hasher, as an upgraded site would have it."""
    return make_member("alice")


def sign_up(client, email):
    n = next(_names)
    return client.post(
        SIGNUP_URL,
        {"username": f"newcomer{n}", "email": email, "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )


def log_in(client, login, password="not-the-password"):
    return client.post(LOGIN_URL, {"login": login, "password": password}, follow=True)


def outcome(response) -> dict:
    """What the visitor sees: where they end up, the status, the messages and the form errors."""
    form = response.context.get("form") if response.context else None
    return {
        "status": response.status_code,
        "redirects": [url for url, _status in response.redirect_chain],
        "messages": sorted(str(m) for m in response.context["messages"]) if response.context else [],
        "errors": form.errors.get_json_data() if form is not None else {},
    }


def anonymised(value, *emails):
    text = repr(value)
    for email in emails:
        text = text.replace(email, "EMAIL")
    return text


@pytest.fixture
def fresh_client(_request_handler):
    from django.test import Client

    def make():
        client = Client()
        client.handler = _request_handler
        return client

    return make


def test_sign_up_with_a_registered_address_looks_like_sign_up_with_a_new_one(fresh_client, registered, mailoutbox):
    new = sign_up(fresh_client(), "claire@example.com")
    taken = sign_up(fresh_client(), "alice@example.com")

    assert anonymised(outcome(taken), "alice@example.com") == anonymised(outcome(new), "claire@example.com")
    assert outcome(new)["messages"] == ["Confirmation email sent to claire@example.com."]
    # One email each, to the address typed: a confirmation link, or "you already have an account".
    assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.com", "claire@example.com"]


def test_sign_up_with_an_address_registered_moments_ago_looks_like_sign_up_with_a_new_one(fresh_client, mailoutbox):
    sign_up(fresh_client(), "claire@example.com")  # claire signs up; a confirmation email is on its way

    taken = sign_up(fresh_client(), "claire@example.com")
    new = sign_up(fresh_client(), "denise@example.com")

    assert anonymised(outcome(taken), "claire@example.com") == anonymised(outcome(new), "denise@example.com")
    # No second email to claire so soon (allauth's rate limit), yet the same answer on screen.
    assert sorted(m.to[0] for m in mailoutbox) == ["claire@example.com", "denise@example.com"]


def test_log_in_with_a_registered_address_looks_like_log_in_with_an_unknown_one(fresh_client, registered):
    known_client, unknown_client = fresh_client(), fresh_client()
    known = log_in(known_client, "alice@example.com")
    unknown = log_in(unknown_client, "nobody@example.com")

    assert outcome(known) == outcome(unknown)
    assert outcome(known)["errors"], "both say that the address or the password is wrong"
    assert SESSION_KEY not in known_client.session and SESSION_KEY not in unknown_client.session


def median_seconds(attempts) -> dict[str, float]:
    """Run each named attempt ATTEMPTS times, interleaved so that a slow moment hits both alike.

    The time is this process's CPU time: the tell looked for is a password hash computed on one
    path only, and CPU time does not grow when other processes load the machine (CI runs two
    suites side by side), as the wall clock does."""
    times = {name: [] for name in attempts}
    for _round in range(ATTEMPTS):
        for name, attempt in attempts.items():
            started = time.process_time()
            attempt()
            times[name].append(time.process_time() - started)
    return {name: statistics.median(values) for name, values in times.items()}


def one_hash_seconds() -> float:
    """What one run of the configured password hasher costs on this machine, now."""
    return median_seconds({"hash": lambda: make_password(PASSWORD)})["hash"]


def assert_alike(medians):
    """Apart by less than half a password hash: the tell is a hash done on one path only.

    A ratio alone is too coarse: log-in ran three hashes for a registered address and two for
    an unknown one, a ratio of 1.5 that "within 0.5-2.0" would let through."""
    (a, first), (b, second) = medians.items()
    hash_time = one_hash_seconds()
    report = f"{a} {first * 1000:.0f} ms, {b} {second * 1000:.0f} ms, one hash {hash_time * 1000:.0f} ms"
    assert 0.5 <= first / second <= 2.0, report
    assert abs(first - second) < hash_time / 2, report


def test_sign_up_takes_as_long_for_a_registered_address_as_for_a_new_one(fresh_client, registered, mailoutbox):
    new_addresses = (f"newcomer-{n}@example.com" for n in itertools.count())
    sign_up(fresh_client(), "warm-up@example.com")

    medians = median_seconds(
        {
            "registered": lambda: sign_up(fresh_client(), "alice@example.com"),
            "new": lambda: sign_up(fresh_client(), next(new_addresses)),
        }
    )

    assert_alike(medians)


def test_log_in_takes_as_long_for_a_registered_address_as_for_an_unknown_one(fresh_client, registered):
    log_in(fresh_client(), "warm-up@example.com")

    medians = median_seconds(
        {
            "registered": lambda: log_in(fresh_client(), "alice@example.com"),
            "unknown": lambda: log_in(fresh_client(), "nobody@example.com"),
        }
    )

    assert_alike(medians)
