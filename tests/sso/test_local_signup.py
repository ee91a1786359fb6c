"""LOCAL_SIGNUP=false: no new accounts with a password; the sign-up page says so and points to
the providers; members who have a password still log in with it."""

import pytest
from django.contrib.auth import get_user_model

from tests.sso.conftest import new_subject, sign_in, signed_in_id

Member = get_user_model()

pytestmark = pytest.mark.django_db

SIGNUP = {
    "username": "newcomer",
    "email": "newcomer@example.com",
    "password1": "tranquil-otter-42",
    "password2": "tranquil-otter-42",
}


@pytest.fixture
def closed(settings):
    settings.LOCAL_SIGNUP = False


def test_by_default_the_sign_up_page_has_its_form_and_the_providers(client, providers):
    html = client.get("/accounts/signup/").content.decode()

    assert 'name="password1"' in html
    assert "Continue with Lumio ID" in html
    assert "Create an account" in client.get("/accounts/login/").content.decode()


def test_closed_sign_up_says_so_and_points_to_the_providers(client, providers, closed):
    html = client.get("/accounts/signup/?next=/t/x/1/").content.decode()

    assert "This forum does not create accounts with a password" in html
    assert 'name="password1"' not in html
    assert 'action="/accounts/oidc/lumio/login/?process=login&amp;next=%2Ft%2Fx%2F1%2F"' in html
    assert 'href="/accounts/login/?next=/t/x/1/"' in html


def test_closed_sign_up_refuses_a_posted_form(client, providers, closed):
    response = client.post("/accounts/signup/", SIGNUP)

    assert "This forum does not create accounts with a password" in response.content.decode()
    assert not Member.objects.filter(username="newcomer").exists()


def test_closed_sign_up_without_providers_says_no_new_accounts(client, closed):
    html = client.get("/accounts/signup/").content.decode()

    assert "This forum does not take new accounts for now" in html


def test_closed_sign_up_does_not_invite_to_sign_up_on_the_log_in_page(client, providers, closed):
    html = client.get("/accounts/login/").content.decode()

    assert "Create an account" not in html
    assert "Continue with one of the accounts above" in html


def test_members_with_a_password_still_log_in(client, closed, make_member):
    member = make_member("olga")

    response = client.post("/accounts/login/", {"login": "olga", "password": "correct-horse-battery"})

    assert response.status_code == 302
    assert signed_in_id(client) == str(member.pk)


def test_providers_still_create_members(client, providers, oidc_provider, closed):
    response = sign_in(
        client, oidc_provider, new_subject(), preferred_username="pia", email="pia@lumio.example", email_verified=True
    )

    assert response.status_code == 302
    assert signed_in_id(client) == str(Member.objects.get(username="pia").pk)


def test_a_provider_without_an_address_still_gets_its_form(client, providers, oidc_provider, closed):
    response = sign_in(client, oidc_provider, new_subject(), name="Quentin Roy")
    form = client.get(response["Location"])

    assert form.status_code == 200
    assert 'name="email"' in form.content.decode()
    response = client.post(response["Location"], {"username": "quentin_roy", "email": "quentin@lumio.example"})

    assert Member.objects.filter(username="quentin_roy").exists()
