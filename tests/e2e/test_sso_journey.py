"""A visitor reading a thread signs in with the brand's account (OpenID Connect): "Log in", the
provider's button, the provider's own log-in page, and back on the thread, signed in, as a
member the forum just created from the provider's claims.

The provider is a real one (tests/sso/provider.py), a process of its own on a free port, and
the server is started with OIDC_PROVIDERS pointing at it.
"""

import json
import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.sso.provider import Provider

TOKEN = secrets.token_hex(3)
SUB = f"lumio-customer-{TOKEN}"

SETUP = f"""
from forum import services
from forum.models import Category
from profiles.models import Member

author = Member.objects.create_user(username="ana{TOKEN}", email="ana{TOKEN}@example.com", password="x-{TOKEN}-x")
category = Category.objects.create(slug="lamps-{TOKEN}", name="Lamps {TOKEN}")
thread = services.start_thread(
    category=category, author=author, title="The lamp hums at night ({TOKEN})", body="A faint hum after 22:00."
)
print(thread.get_absolute_url())
"""


@pytest.fixture(scope="module")
def oidc_provider():
    provider = Provider.start()
    yield provider
    provider.stop()


@pytest.fixture(scope="module")
def server_env(server_env, oidc_provider):
    """The suite's server environment, with the provider configured as an operator would."""
    provider = {
        "id": "lumio",
        "name": "Lumio ID",
        "issuer": oidc_provider.url,
        "client_id": "agora-e2e",
        "secret": "e2e",
    }
    return {**server_env, "OIDC_PROVIDERS": json.dumps([provider])}


@pytest.fixture(autouse=True)
def _no_posting_limits():
    """Overrides the suite's, which needs pytest-django (absent here): the server has its own settings."""


def test_a_visitor_signs_in_with_the_brands_account_and_lands_back_on_the_thread(page, manage, oidc_provider):
    thread_url = manage("shell", "-c", SETUP).stdout.strip().splitlines()[-1]
    oidc_provider.set_claims(
        SUB,
        preferred_username=f"noor{TOKEN}",
        name=f"Noor {TOKEN}",
        email=f"noor{TOKEN}@lumio.example",
        email_verified=True,
        locale="en-US",
    )

    page.goto(thread_url)
    page.get_by_role("banner").get_by_role("link", name="Log in").click()
    page.get_by_role("button", name="Continue with Lumio ID").click()

    # The provider's own log-in page, on its own address.
    expect(page).to_have_url(re.compile(re.escape(oidc_provider.url) + "/oauth2/authorize"))
    page.get_by_placeholder("sub").fill(SUB)
    page.get_by_role("button", name="Authorize").click()

    # Back on the thread, signed in as the member the first log-in created.
    expect(page).to_have_url(re.compile(re.escape(thread_url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"The lamp hums at night ({TOKEN})")
    expect(page.get_by_role("banner").get_by_text(f"Noor {TOKEN}")).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("link", name="Log in")).to_have_count(0)
    expect(page.get_by_role("textbox", name="Your reply")).to_be_visible()
