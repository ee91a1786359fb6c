"""Personal API tokens: made on the member's settings page and shown once, stored hashed,
revoked at once, refused for a closed account, limited per minute (and requests without
one, per client address), their use noted without a write on every request."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api import services
from api.models import ApiToken
from tests.api.conftest import token_for

PAGE = "/accounts/api-tokens/"
SECRET = re.compile(r'value="(agora_[0-9a-f]{8}_[A-Za-z0-9_-]{43})"')


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_new_token_is_shown_once_and_stored_as_its_digest_only(member_client, member, django_assert_max_num_queries):
    response = member_client.post(PAGE, {"name": "Help desk sync", "scope": "read+write"}, follow=True)

    secret = SECRET.search(response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert response.redirect_chain == [(PAGE, 302)]  # reloading the page makes no second token
    assert (token.member, token.name, token.scope) == (member, "Help desk sync", "read+write")
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.values().get())
    assert "no-store" in response["Cache-Control"]
    with django_assert_max_num_queries(8):
        page = member_client.get(PAGE).content.decode()
    assert "Help desk sync" in page and "Read and write" in page and "never used" in page
    assert secret not in page and f"agora_{token.prefix}_…" in page
    assert secret not in str(member_client.session.items())


def test_the_page_lists_tokens_with_their_last_use_and_an_empty_state(member_client, member, api):
    assert "No tokens yet" in member_client.get(PAGE).content.decode()

    secret = token_for(member, "read")
    api.get("/categories", secret)

    page = member_client.get(PAGE).content.decode()
    assert "last used" in page and "Read</span>" in page


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"name": "", "scope": "read"}, "This field is required"),
        ({"name": "x" * 61, "scope": "read"}, "at most 60 characters"),
        ({"name": "Sync", "scope": "admin"}, "Select a valid choice"),
    ],
)
def test_a_bad_form_is_a_400_with_its_message_and_makes_nothing(member_client, form, message):
    response = member_client.post(PAGE, form)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_page_speaks_french(member_client, member):
    member_client.cookies["django_language"] = "fr"

    page = member_client.get(PAGE, headers={"Accept-Language": "fr"}).content.decode()

    assert "Jetons d’API" in page and "Créer un jeton" in page


def test_a_member_holds_at_most_twenty_tokens(member_client, member):
    for n in range(services.TOKENS_PER_MEMBER):
        services.create_token(member=member, name=f"Token {n}", scope="read")

    response = member_client.post(PAGE, {"name": "One more", "scope": "read"})

    assert response.status_code == 400
    assert ApiToken.objects.count() == services.TOKENS_PER_MEMBER


def test_a_revoked_token_stops_working_at_once(member_client, member, api):
    secret = token_for(member)
    token = ApiToken.objects.get()
    assert api.get("/categories", secret).status_code == 200

    response = member_client.post(f"{PAGE}{token.pk}/revoke/")

    assert response.status_code == 302
    assert api.get("/categories", secret).status_code == 401
    assert "Revoke" not in member_client.get(PAGE).content.decode()


def test_nobody_revokes_another_members_token(client, member, other_member):
    token_for(member)
    token = ApiToken.objects.get()
    client.force_login(other_member)

    assert client.post(f"{PAGE}{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_a_closed_accounts_token_is_refused(member, api):
    secret = token_for(member)
    member.is_active = False
    member.save(update_fields=["is_active"])

    response = api.get("/categories", secret)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Token abc", "Basic YWxpY2U6cGFzcw==", "Bearer agora_", "Bearer agora_deadbeef_nope", "x"],
)
def test_a_malformed_or_unknown_token_is_a_401(client, db, header):
    response = client.get("/api/v1/categories", headers={"Authorization": header})

    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_token_may_make_so_many_requests_a_minute(member, api, settings):
    settings.API_REQUESTS_PER_MINUTE = 3
    secret = token_for(member)

    answers = [api.get("/categories", secret) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert 1 <= int(answers[-1]["Retry-After"]) <= 60
    assert api.get("/categories").status_code == 200  # a visitor's reads are not this token's


@pytest.mark.parametrize(
    ("header", "answered"),
    [(None, 200), ("Bearer agora_deadbeef_nope", 401), ("Basic YWxpY2U6cGFzcw==", 401)],
    ids=["no token", "unknown token", "malformed"],
)
def test_requests_without_a_valid_token_are_limited_per_client_address(client, db, settings, header, answered):
    settings.API_ANONYMOUS_REQUESTS_PER_MINUTE = 3
    headers = {"Authorization": header} if header else {}

    def get(address, forwarded):
        # X-Forwarded-For sent by the client is not the address: only the server's (daphne's
        # --proxy-headers, from the proxy's header) is.
        headers["X-Forwarded-For"] = forwarded
        return client.get("/api/v1/categories", headers=headers, REMOTE_ADDR=address)

    answers = [get("203.0.113.7", f"198.51.100.{n}") for n in range(4)]

    assert [a.status_code for a in answers] == [answered] * 3 + [429]
    assert 1 <= int(answers[-1]["Retry-After"]) <= 60
    assert "without a token" in answers[-1].json()["detail"]
    assert get("203.0.113.8", "198.51.100.0").status_code == answered  # another address


def test_a_token_is_not_limited_by_its_address_nor_an_ipv6_client_by_changing_address_in_its_64(
    member, client, settings
):
    settings.API_ANONYMOUS_REQUESTS_PER_MINUTE = 2
    token = {"Authorization": f"Bearer {token_for(member)}"}

    def get(address, headers=None):
        return client.get("/api/v1/categories", headers=headers or {}, REMOTE_ADDR=address).status_code

    assert [get(f"2001:db8:7:1::{n}") for n in range(1, 4)] == [200, 200, 429]
    assert get("2001:db8:7:2::1") == 200  # another /64
    assert get("2001:db8:7:1::9", token) == 200  # the token's own limit, not the address's


def test_a_tokens_use_is_written_at_most_once_a_minute(member, api):
    secret = token_for(member)

    with CaptureQueriesContext(connection) as first:
        api.get("/categories", secret)
    with CaptureQueriesContext(connection) as second:
        api.get("/categories", secret)
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(minutes=2))
    with CaptureQueriesContext(connection) as later:
        api.get("/categories", secret)

    def writes(queries):
        return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]

    assert (len(writes(first)), len(writes(second)), len(writes(later))) == (1, 0, 1)
