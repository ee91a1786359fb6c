"""Bad answers from a provider: each one a clear page with a way back, never a 500, and nobody
signed in (profiles/oidc.py finds them, profiles/sso.py tells them)."""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.test import Client

from tests.sso.conftest import CLIENT_ID, back_to_forum, new_subject, press_button, sign_in, signed_in_id, to_provider

Member = get_user_model()

pytestmark = pytest.mark.django_db

THREAD = "/t/lamp-flickers/12/"


def assert_error_page(response, status, *reason, next_url=THREAD):
    html = response.content.decode()
    assert response.status_code == status, html[:3000]
    for words in reason:
        assert words in html, html
    # The way back: the log-in page (which keeps where the visitor was), and that page itself.
    assert f'href="/accounts/login/?next={next_url}"' in html
    assert f'href="{next_url}"' in html


def callback_with(location: str, **changes) -> str:
    """The provider's redirect back, with some of its parameters changed."""
    parts = urlsplit(location)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()} | changes
    return parts._replace(query=urlencode(query)).geturl()


def test_a_provider_that_does_not_answer(client, providers):
    response = press_button(client, "Offline", next_url=THREAD)

    assert_error_page(response, 502, "Sign-in with Offline did not work", "Offline could not be reached")
    assert signed_in_id(client) is None


def test_a_provider_whose_discovery_document_is_missing(client, providers, settings, oidc_provider):
    settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]["settings"]["server_url"] = (
        f"{oidc_provider.url}/nowhere"
    )

    response = press_button(client, "Lumio ID", next_url=THREAD)

    assert_error_page(response, 502, "Lumio ID could not be reached, or did not answer as expected")


def test_a_provider_that_goes_down_before_the_visitor_comes_back(client, providers, settings, oidc_provider):
    location = oidc_provider.authorize(to_provider(press_button(client, next_url=THREAD)), sub=new_subject())
    offline = settings.OIDC_PROVIDERS[2]["issuer"]
    settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]["settings"]["server_url"] = offline

    response = back_to_forum(client, location)

    assert_error_page(response, 502, "Lumio ID could not be reached")
    assert signed_in_id(client) is None


def test_the_person_refuses_at_the_provider(client, providers, oidc_provider):
    authorize_url = to_provider(press_button(client, next_url=THREAD))
    state = parse_qs(urlsplit(authorize_url).query)["state"][0]

    response = back_to_forum(
        client, f"http://testserver/accounts/oidc/lumio/login/callback/?error=access_denied&state={state}"
    )

    assert_error_page(response, 401, "Signing in with Lumio ID was cancelled")
    assert signed_in_id(client) is None


def test_a_refusal_that_forgets_the_state(client, providers, oidc_provider):
    # The provider's own Deny button sends error=access_denied back without the state.
    location = oidc_provider.authorize(to_provider(press_button(client, next_url=THREAD)), deny=True)
    assert parse_qs(urlsplit(location).query)["error"] == ["access_denied"]

    response = back_to_forum(client, location)

    assert response.status_code == 400
    assert "This sign-in link has expired or was already used" in response.content.decode()
    assert signed_in_id(client) is None


def test_an_error_answer_from_the_provider(client, providers, oidc_provider):
    authorize_url = to_provider(press_button(client, next_url=THREAD))
    location = oidc_provider.authorize(authorize_url, sub=new_subject())
    parts = urlsplit(location)
    state = parse_qs(parts.query)["state"][0]

    response = back_to_forum(client, f"http://testserver{parts.path}?error=temporarily_unavailable&state={state}")

    assert_error_page(response, 401, "Lumio ID did not sign you in.")
    assert signed_in_id(client) is None


def test_a_wrong_state(client, providers, oidc_provider):
    sub = new_subject()
    oidc_provider.set_claims(sub, email="x@lumio.example", email_verified=True)
    authorize_url = to_provider(press_button(client, next_url=THREAD))
    location = oidc_provider.authorize(authorize_url, sub=sub)

    response = back_to_forum(client, callback_with(location, state="forged-state"))

    # The state is unknown, and with it where the visitor came from.
    assert response.status_code == 400
    html = response.content.decode()
    assert "This sign-in link has expired or was already used" in html
    assert 'href="/accounts/login/"' in html
    assert signed_in_id(client) is None
    assert not SocialAccount.objects.filter(uid=sub).exists()


def test_an_answer_brought_back_in_another_browser(client, providers, oidc_provider):
    sub = new_subject()
    oidc_provider.set_claims(sub, email="y@lumio.example", email_verified=True)
    location = oidc_provider.authorize(to_provider(press_button(client, next_url=THREAD)), sub=sub)

    other_browser = Client()
    response = back_to_forum(other_browser, location)

    assert response.status_code == 400
    assert "This sign-in link has expired or was already used" in response.content.decode()
    assert signed_in_id(other_browser) is None


def test_a_code_the_provider_no_longer_accepts(client, providers, oidc_provider):
    location = oidc_provider.authorize(to_provider(press_button(client, next_url=THREAD)), sub=new_subject())
    # Brought back with a code the provider already redeemed: refused, as an expired one is.
    used_code = _redeem(oidc_provider, location)

    response = back_to_forum(client, callback_with(location, code=used_code))

    assert_error_page(response, 400, "Lumio ID did not confirm this sign-in")
    assert signed_in_id(client) is None


def test_an_expired_code(client, providers, oidc_provider, code_lifetime):
    sub = new_subject()
    oidc_provider.set_claims(sub, email="e@lumio.example", email_verified=True)
    location = oidc_provider.authorize(to_provider(press_button(client, next_url=THREAD)), sub=sub)
    # Brought back too late: the code was issued longer ago than its lifetime, now none.
    code_lifetime(0)

    response = back_to_forum(client, location)

    assert_error_page(response, 400, "Lumio ID did not confirm this sign-in")
    assert signed_in_id(client) is None
    assert not SocialAccount.objects.filter(uid=sub).exists()


def test_a_code_the_provider_never_issued(client, providers, oidc_provider):
    location = oidc_provider.authorize(to_provider(press_button(client, next_url=THREAD)), sub=new_subject())

    response = back_to_forum(client, callback_with(location, code="made-up"))

    assert_error_page(response, 400, "Lumio ID did not confirm this sign-in")


@pytest.mark.parametrize("how", ["signature", "audience", "subject", "missing"])
def test_an_id_token_with_a_bad_signature_or_audience_or_none(client, providers, oidc_provider, tamper, how):
    tamper(how)
    sub = new_subject()

    response = sign_in(client, oidc_provider, sub, next_url=THREAD, email="w@lumio.example", email_verified=True)

    assert_error_page(response, 502, "The answer from Lumio ID could not be verified")
    assert signed_in_id(client) is None
    assert not SocialAccount.objects.filter(uid=sub).exists()
    assert not Member.objects.exists()


def test_the_error_page_speaks_french(client, providers):
    response = press_button(client, "Offline", next_url=THREAD, HTTP_ACCEPT_LANGUAGE="fr")

    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "La connexion avec Offline n’a pas abouti" in html
    assert "Retour à la page de connexion" in html


def _redeem(oidc_provider, location) -> str:
    """Spend the code of `location` at the token endpoint, as someone else would; return it."""
    code = parse_qs(urlsplit(location).query)["code"][0]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": CLIENT_ID,
        "client_secret": "s3cret",
        "redirect_uri": "http://testserver/accounts/oidc/lumio/login/callback/",
    }
    requests.post(f"{oidc_provider.url}/oauth2/token", data=form, timeout=5)
    return code
