"""Sign-in with OpenID Connect against a real provider (tests/sso/provider.py), started once
for the run as a process of its own. The forum is the Django test client; the person at the
provider is played over HTTP. Between the two, only what a browser carries: the redirect to
the provider's authorize endpoint, and the redirect back to the forum's callback."""

import re
import secrets
from html import unescape
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.auth import SESSION_KEY

from config.env import socialaccount_providers
from tests.servers import free_port
from tests.sso.provider import Provider

CLIENT_ID = "agora-tests"


@pytest.fixture(scope="session")
def oidc_provider():
    provider = Provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def providers(settings, oidc_provider):
    """Three providers configured as OIDC_PROVIDERS would: Lumio ID (the running provider),
    Acme (the same provider under another client id) and Offline (nobody listens there)."""
    settings.OIDC_PROVIDERS = [
        {"id": "lumio", "name": "Lumio ID", "issuer": oidc_provider.url, "client_id": CLIENT_ID, "secret": "s3cret"},
        {"id": "acme", "name": "Acme", "issuer": oidc_provider.url, "client_id": "acme-forum", "secret": "s3cret"},
        {
            "id": "offline",
            "name": "Offline",
            "issuer": f"http://127.0.0.1:{free_port()}",
            "client_id": "x",
            "secret": "",
        },
    ]
    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers(settings.OIDC_PROVIDERS)
    return settings.OIDC_PROVIDERS


@pytest.fixture
def tamper(oidc_provider):
    """Make the provider's token endpoint answer with a bad ID token; set back afterwards."""
    yield oidc_provider.tamper
    oidc_provider.tamper("")


@pytest.fixture
def code_lifetime(oidc_provider):
    """Give the provider's authorization codes a lifetime in seconds; they never expire afterwards."""
    yield oidc_provider.set_code_lifetime
    oidc_provider.set_code_lifetime(None)


def new_subject() -> str:
    return f"subject-{secrets.token_hex(6)}"


def press_button(client, provider_name="Lumio ID", *, next_url=None, page="/accounts/login/", **headers):
    """On the log-in page (as reached from `next_url`), press the provider's button; return the
    forum's answer: a redirect to the provider, or an error page."""
    url = page + (f"?{urlencode({'next': next_url})}" if next_url else "")
    html = client.get(url, **headers).content.decode()
    forms = re.findall(r'<form method="post" action="([^"]+)">\s*<input[^>]+>\s*<button[^>]*>([^<]+)</button>', html)
    actions = {label.strip(): unescape(action) for action, label in forms}
    action = actions.get(f"Continue with {provider_name}") or actions.get(f"Continuer avec {provider_name}")
    assert action, f"no button for {provider_name} on {url}: {sorted(actions)}"
    return client.post(action, **headers)


def to_provider(response) -> str:
    """The provider's authorize URL the forum sent the browser to."""
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def back_to_forum(client, location: str, **headers):
    """The browser following the provider's redirect to the forum's callback."""
    parts = urlsplit(location)
    assert parts.netloc == "testserver", location
    return client.get(f"{parts.path}?{parts.query}", **headers)


def sign_in(client, oidc_provider, sub, *, next_url=None, provider_name="Lumio ID", headers=None, **claims):
    """The whole journey: the provider's button, its log-in form as `sub` with `claims`, and back."""
    headers = headers or {}
    oidc_provider.set_claims(sub, **claims)
    authorize_url = to_provider(press_button(client, provider_name, next_url=next_url, **headers))
    return back_to_forum(client, oidc_provider.authorize(authorize_url, sub=sub), **headers)


def signed_in_id(client):
    return client.session.get(SESSION_KEY)
