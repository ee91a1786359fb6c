"""Signing in with an OpenID Connect provider: the member the first log-in creates, linking an
existing member, and the way back to the page where it started (profiles/sso.py, profiles/oidc.py)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import resolve, reverse

from profiles import oidc
from tests.sso.conftest import new_subject, press_button, sign_in, signed_in_id, to_provider

Member = get_user_model()

pytestmark = pytest.mark.django_db


def test_first_sign_in_creates_the_member_from_the_claims_and_returns_to_the_page(client, providers, oidc_provider):
    sub = new_subject()
    response = sign_in(
        client,
        oidc_provider,
        sub,
        next_url="/t/lamp-flickers/12/",
        preferred_username="claire.dubois",
        name="Claire Dubois",
        email="claire@lumio.example",
        email_verified=True,
        locale="fr-CA",
    )

    assert response.status_code == 302
    assert response["Location"] == "/t/lamp-flickers/12/"
    member = Member.objects.get(socialaccount__provider="lumio", socialaccount__uid=sub)
    assert signed_in_id(client) == str(member.pk)
    assert (member.username, member.display_name, member.language) == ("claire.dubois", "Claire Dubois", "fr")
    assert member.email == "claire@lumio.example"
    assert not member.has_usable_password()
    address = EmailAddress.objects.get(user=member)
    assert (address.email, address.verified, address.primary) == ("claire@lumio.example", True, True)


def test_the_provider_is_asked_for_a_code_with_pkce_and_a_state(client, providers):
    authorize_url = to_provider(press_button(client, next_url="/"))

    query = parse_qs(urlsplit(authorize_url).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == ["agora-tests"]
    assert query["redirect_uri"] == ["http://testserver/accounts/oidc/lumio/login/callback/"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["code_challenge"][0] and query["state"][0]
    assert set(query["scope"][0].split()) >= {"openid", "profile", "email"}


def test_the_redirect_uri_to_register_is_the_one_the_readme_gives(providers):
    callback = reverse("openid_connect_callback", kwargs={"provider_id": "lumio"})
    login = reverse("openid_connect_login", kwargs={"provider_id": "lumio"})

    assert callback == "/accounts/oidc/lumio/login/callback/"
    # Both answered by profiles/oidc.py, in front of allauth's own views.
    assert resolve(callback).func is oidc.callback
    assert resolve(login).func is oidc.login


def test_each_provider_has_its_button_on_the_log_in_and_sign_up_pages(client, providers):
    for page in ("/accounts/login/", "/accounts/signup/"):
        html = client.get(page).content.decode()
        assert "Continue with Lumio ID" in html
        assert "Continue with Acme" in html
        assert 'action="/accounts/oidc/acme/login/?process=login"' in html


def test_the_buttons_follow_the_order_the_site_lists_its_providers_in(client, providers, settings):
    names = ["Continue with Lumio ID", "Continue with Acme", "Continue with Offline"]
    html = client.get("/accounts/login/").content.decode()
    assert [html.index(name) for name in names] == sorted(html.index(name) for name in names)

    settings.OIDC_PROVIDERS = list(reversed(providers))
    html = client.get("/accounts/login/").content.decode()
    assert [html.index(name) for name in reversed(names)] == sorted(html.index(name) for name in names)


def test_the_buttons_speak_french(client, providers):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Continuer avec Lumio ID" in html
    assert "Ou avec votre nom d’utilisateur et votre mot de passe" in html


def test_without_providers_the_log_in_page_has_no_buttons(client):
    html = client.get("/accounts/login/").content.decode()

    assert "Continue with" not in html
    assert 'name="password"' in html


def test_a_second_provider_keeps_its_own_accounts(client, providers, oidc_provider):
    sub = new_subject()
    sign_in(client, oidc_provider, sub, email=f"{sub}@lumio.example", email_verified=True)
    client.logout()
    sign_in(client, oidc_provider, sub, provider_name="Acme", email=f"{sub}@lumio.example", email_verified=True)

    # The same subject at two providers is two accounts, both linked to one member by the verified address.
    accounts = SocialAccount.objects.filter(uid=sub)
    assert sorted(accounts.values_list("provider", flat=True)) == ["acme", "lumio"]
    assert len({account.user_id for account in accounts}) == 1


def test_signing_in_again_finds_the_same_member(client, providers, oidc_provider):
    sub = new_subject()
    sign_in(client, oidc_provider, sub, preferred_username="bruno", email="bruno@lumio.example", email_verified=True)
    member = Member.objects.get(username="bruno")
    client.logout()

    response = sign_in(
        client, oidc_provider, sub, preferred_username="bruno", email="bruno@lumio.example", email_verified=True
    )

    assert response.status_code == 302
    assert signed_in_id(client) == str(member.pk)
    assert Member.objects.filter(username__startswith="bruno").count() == 1


def test_a_username_already_taken_gets_a_unique_one(client, providers, oidc_provider, make_member):
    make_member("claire")
    sign_in(
        client, oidc_provider, new_subject(), preferred_username="Claire", email="c2@lumio.example", email_verified=True
    )

    member = Member.objects.get(email="c2@lumio.example")
    assert member.username.lower() != "claire"
    assert member.username.startswith("claire")


@pytest.mark.parametrize(
    ("claims", "username"),
    [
        ({"preferred_username": "Chloé Martin"}, "chloe_martin"),
        ({"name": "Jean Dupont"}, "jdupont"),  # the address comes before the name
        ({"preferred_username": "admin"}, "jdupont"),  # a reserved name is passed over
    ],
)
def test_the_username_comes_from_the_claims_made_valid(client, providers, oidc_provider, claims, username):
    sign_in(client, oidc_provider, new_subject(), email="jdupont@lumio.example", email_verified=True, **claims)

    assert Member.objects.get(email="jdupont@lumio.example").username == username


def test_without_an_address_the_member_chooses_one_and_the_username_comes_from_the_name(
    client, providers, oidc_provider
):
    response = sign_in(client, oidc_provider, new_subject(), name="Jean Dupont")

    # No address from the provider: allauth asks for one, with the username already proposed.
    assert response.status_code == 302
    assert response["Location"] == reverse("socialaccount_signup")
    form = client.get(response["Location"]).content.decode()
    assert 'value="jean_dupont"' in form


@pytest.mark.parametrize("verified", [False, "false", None])
def test_an_address_the_provider_does_not_vouch_for_stays_unverified(
    client, providers, oidc_provider, mailoutbox, verified
):
    claims = {"email": "dana@lumio.example"} | ({} if verified is None else {"email_verified": verified})
    response = sign_in(client, oidc_provider, new_subject(), preferred_username="dana", **claims)

    member = Member.objects.get(username="dana")
    assert not EmailAddress.objects.get(user=member).verified
    # EMAIL_VERIFICATION=mandatory: confirm first, as with a password sign-up.
    assert signed_in_id(client) is None
    assert response["Location"] == reverse("account_email_verification_sent")
    assert [message.to for message in mailoutbox] == [["dana@lumio.example"]]


def test_the_string_true_counts_as_vouched_for(client, providers, oidc_provider):
    sign_in(
        client, oidc_provider, new_subject(), preferred_username="eve", email="eve@lumio.example", email_verified="true"
    )

    assert EmailAddress.objects.get(user__username="eve").verified


@pytest.mark.parametrize(
    ("locale", "browser", "language"),
    [("fr-CA", "en", "fr"), ("fr_FR", "en", "fr"), ("en-GB", "fr", "en"), ("de-DE", "fr", "fr"), (None, "en", "en")],
)
def test_the_preferred_language_comes_from_the_locale_claim(
    client, providers, oidc_provider, locale, browser, language
):
    claims = {"preferred_username": "farid", "email": "farid@lumio.example", "email_verified": True}
    if locale:
        claims["locale"] = locale
    # Without a language of the site's in the claims, the one the visitor was reading in.
    sign_in(client, oidc_provider, new_subject(), headers={"HTTP_ACCEPT_LANGUAGE": browser}, **claims)

    assert Member.objects.get(username="farid").language == language


def test_a_long_name_is_cut_to_fit_the_display_name(client, providers, oidc_provider):
    sign_in(
        client,
        oidc_provider,
        new_subject(),
        preferred_username="gus",
        name="G" * 80,
        email="gus@lumio.example",
        email_verified=True,
    )

    assert Member.objects.get(username="gus").display_name == "G" * 60


# Members who already have an account here --------------------------------------------------


def test_a_member_with_the_same_verified_address_is_linked(client, providers, oidc_provider, make_member):
    claire = make_member("claire", email="claire@lumio.example")
    sub = new_subject()

    response = sign_in(
        client, oidc_provider, sub, next_url="/c/help/", email="claire@lumio.example", email_verified=True
    )

    assert response["Location"] == "/c/help/"
    assert signed_in_id(client) == str(claire.pk)
    assert SocialAccount.objects.get(provider="lumio", uid=sub).user == claire
    claire.refresh_from_db()
    assert claire.check_password("correct-horse-battery")  # her password still works
    assert Member.objects.count() == 1


def test_an_address_the_provider_does_not_vouch_for_never_takes_over_an_account(
    client, providers, oidc_provider, make_member, mailoutbox
):
    claire = make_member("claire", email="claire@lumio.example")
    sub = new_subject()

    response = sign_in(
        client, oidc_provider, sub, preferred_username="mallory", email="claire@lumio.example", email_verified=False
    )

    assert signed_in_id(client) is None
    assert not SocialAccount.objects.filter(uid=sub).exists()
    assert list(Member.objects.all()) == [claire]
    # Answered as any unconfirmed sign-up is (nothing tells whether the address is registered);
    # the address's owner is told someone tried.
    assert response["Location"] == reverse("account_email_verification_sent")
    assert [message.to for message in mailoutbox] == [["claire@lumio.example"]]
    claire.refresh_from_db()
    assert claire.check_password("correct-horse-battery")


def test_an_address_never_confirmed_here_is_not_linked_even_when_the_provider_vouches_for_it(
    client, providers, oidc_provider, make_member
):
    squatter = make_member("squatter", email="owner@lumio.example")
    EmailAddress.objects.filter(user=squatter).update(verified=False)
    sub = new_subject()

    sign_in(client, oidc_provider, sub, preferred_username="owner", email="owner@lumio.example", email_verified=True)

    assert signed_in_id(client) != str(squatter.pk)
    assert not SocialAccount.objects.filter(user=squatter).exists()


def test_a_suspended_member_stays_suspended(client, providers, oidc_provider, make_member):
    from datetime import timedelta

    from django.utils import timezone

    until = timezone.now() + timedelta(days=3)
    member = make_member("hugo", email="hugo@lumio.example", suspended_until=until)

    sign_in(client, oidc_provider, new_subject(), email="hugo@lumio.example", email_verified=True)

    assert signed_in_id(client) == str(member.pk)
    member.refresh_from_db()
    assert member.suspended_until == until
    assert "suspended until" in client.get("/").content.decode()


def test_a_deactivated_member_is_not_signed_in(client, providers, oidc_provider, make_member):
    member = make_member("ines", email="ines@lumio.example", is_active=False)

    response = sign_in(client, oidc_provider, new_subject(), email="ines@lumio.example", email_verified=True)

    assert signed_in_id(client) is None
    assert response["Location"] == reverse("account_inactive")
    member.refresh_from_db()
    assert not member.is_active


# Where it goes back to ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("next_url", "back_to"),
    [("/t/flicker/7/?page=2", "/t/flicker/7/?page=2"), ("https://evil.example/", "/"), ("//evil.example/", "/")],
)
def test_it_goes_back_to_the_page_where_it_started_on_this_site_only(
    client, providers, oidc_provider, next_url, back_to
):
    claims = {"email": "k@lumio.example", "email_verified": True}
    response = sign_in(client, oidc_provider, new_subject(), next_url=next_url, **claims)

    assert response.status_code == 302
    assert response["Location"] == back_to


def test_a_member_sees_the_accounts_linked_to_theirs(client, providers, oidc_provider):
    sign_in(
        client, oidc_provider, new_subject(), preferred_username="lea", email="lea@lumio.example", email_verified=True
    )

    response = client.get(reverse("socialaccount_connections"))

    assert response.status_code == 200
    assert "Lumio ID" in response.content.decode()
