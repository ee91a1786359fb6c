"""OIDC_PROVIDERS and LOCAL_SIGNUP: read, checked and turned into allauth's settings
(config/env.py, config/settings.py). Sign-in itself is tested in tests/sso/."""

import json

import pytest

from config.env import SettingError, env_oidc_providers, socialaccount_providers
from tests.config.test_settings import load_settings, settings_error

LUMIO = {"id": "lumio", "name": "Lumio ID", "issuer": "https://id.lumio.example/", "client_id": "agora", "secret": "s3"}


@pytest.fixture
def var_dir(tmp_path):
    return tmp_path / "var"


def providers_from(monkeypatch, value, *, require_https=False):
    monkeypatch.setenv("OIDC_PROVIDERS", value if isinstance(value, str) else json.dumps(value))
    return env_oidc_providers("OIDC_PROVIDERS", require_https=require_https)


def test_unset_means_no_providers(monkeypatch):
    monkeypatch.delenv("OIDC_PROVIDERS", raising=False)

    assert env_oidc_providers("OIDC_PROVIDERS", require_https=True) == []


def test_several_providers_are_read_in_order_and_cleaned(monkeypatch):
    acme = {"id": "acme", "name": "Acme", "issuer": "https://login.acme.example/realms/customers", "client_id": "forum"}

    providers = providers_from(monkeypatch, [LUMIO, acme])

    assert [provider["id"] for provider in providers] == ["lumio", "acme"]
    assert providers[0]["issuer"] == "https://id.lumio.example"  # the discovery path is added to it
    assert providers[1]["secret"] == ""  # a public client, with PKCE only


def test_they_become_allauth_apps_with_pkce(monkeypatch):
    settings = socialaccount_providers(providers_from(monkeypatch, [LUMIO]))

    assert settings == {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "lumio",
                    "name": "Lumio ID",
                    "client_id": "agora",
                    "secret": "s3",
                    "settings": {"server_url": "https://id.lumio.example"},
                }
            ],
        }
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("[{", "OIDC_PROVIDERS is not valid JSON"),
        ({"id": "lumio"}, "OIDC_PROVIDERS must be a JSON list of providers"),
        (["lumio"], r"OIDC_PROVIDERS\[0\] must be an object"),
        ([{**LUMIO, "clientid": "x"}], r"OIDC_PROVIDERS\[0\] has unknown keys clientid"),
        (
            [{key: value for key, value in LUMIO.items() if key != "client_id"}],
            r"OIDC_PROVIDERS\[0\].client_id must be a string",
        ),
        ([{**LUMIO, "name": "  "}], r"OIDC_PROVIDERS\[0\].name is required"),
        ([{**LUMIO, "secret": 42}], r"OIDC_PROVIDERS\[0\].secret must be a string"),
        ([{**LUMIO, "id": "Lumio ID"}], r"OIDC_PROVIDERS\[0\].id 'Lumio ID' must be 1 to 40 lowercase letters"),
        ([{**LUMIO, "id": "openid_connect"}], r"and not openid_connect"),
        (
            [{**LUMIO, "issuer": "id.lumio.example"}],
            r"OIDC_PROVIDERS\[0\].issuer must be the provider's https:// address",
        ),
        ([LUMIO, {**LUMIO, "name": "Again"}], "names the provider id 'lumio' twice"),
    ],
)
def test_a_bad_value_is_refused_clearly(monkeypatch, value, message):
    with pytest.raises(SettingError, match=message):
        providers_from(monkeypatch, value)


def test_production_wants_https_issuers(monkeypatch):
    with pytest.raises(SettingError, match=r"issuer must use https:// when ENVIRONMENT=production"):
        providers_from(monkeypatch, [{**LUMIO, "issuer": "http://id.lumio.example"}], require_https=True)


def test_settings_read_them_and_local_signup(var_dir):
    loaded = load_settings(
        var_dir,
        "SOCIALACCOUNT_PROVIDERS",
        "LOCAL_SIGNUP",
        "INSTALLED_APPS",
        "CONTENT_SECURITY_POLICY",
        OIDC_PROVIDERS=json.dumps(
            [LUMIO, {**LUMIO, "id": "acme", "issuer": "https://login.acme.example:8443/realms/c"}]
        ),
        LOCAL_SIGNUP="false",
    )

    assert loaded["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]["APPS"][0]["provider_id"] == "lumio"
    assert loaded["LOCAL_SIGNUP"] is False
    assert "allauth.socialaccount.providers.openid_connect" in loaded["INSTALLED_APPS"]
    # A provider's button posts to the forum, which sends the browser on to the provider's page.
    assert loaded["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["form-action"] == [
        "'self'",
        "https://id.lumio.example",
        "https://login.acme.example:8443",
    ]


def test_by_default_no_providers_and_local_sign_up_open(var_dir):
    loaded = load_settings(var_dir, "SOCIALACCOUNT_PROVIDERS", "LOCAL_SIGNUP")

    assert loaded["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]["APPS"] == []
    assert loaded["LOCAL_SIGNUP"] is True


def test_settings_refuse_a_bad_value_with_its_reason(var_dir):
    error = settings_error(var_dir, OIDC_PROVIDERS='[{"id": "lumio"}]')

    assert "SettingError: OIDC_PROVIDERS[0].name must be a string" in error
