"""allauth's OpenID Connect log-in and callback views, with two differences (config/urls.py
routes allauth's own addresses, /accounts/oidc/<id>/login/ and its callback, here):

- a provider that cannot be asked (down, or its discovery document is not one) gets the
  sign-in error page, never a 500, at the start as well as on the way back;
- the ID token's signature is always checked against the provider's keys. allauth skips it
  when the token comes straight from the token endpoint, as OpenID Connect allows over TLS;
  checking costs one request per log-in and still holds when the provider is reached through
  a proxy or on a plain-http private network.
"""

import logging

import jwt
from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.internal import statekit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect import views as allauth_views
from django.http import Http404
from requests import RequestException

from profiles.sso import InvalidIdToken, ProviderUnavailable

logger = logging.getLogger(__name__)


# Asymmetric algorithms only: an ID token "signed" with "none", or with HS256 and the public
# key as its secret, is refused whatever its header says.
ID_TOKEN_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]


class CheckedOpenIDConnectAdapter(allauth_views.OpenIDConnectOAuth2Adapter):
    def complete_login(self, request, app, token, **kwargs):
        """An answer without an ID token, or whose userinfo speaks of another subject than its
        ID token (OpenID Connect Core 5.3.4), signs nobody in."""
        if not kwargs["response"].get("id_token"):
            raise InvalidIdToken("The token endpoint answered without an id_token")
        login = super().complete_login(request, app, token, **kwargs)
        claims = login.account.extra_data
        if "userinfo" in claims and claims["userinfo"].get("sub") != claims["id_token"].get("sub"):
            raise InvalidIdToken("The userinfo endpoint answered for another subject than the id_token's")
        return login

    def _decode_id_token(self, app, id_token):
        config = self.openid_config
        with get_adapter().get_requests_session() as session:
            response = session.get(config["jwks_uri"])
            response.raise_for_status()
            keys = response.json()
        return verify_id_token(id_token, keys=keys, issuer=config["issuer"], audience=app.client_id)


def verify_id_token(id_token: str, *, keys: dict, issuer: str, audience: str) -> dict:
    """The ID token's claims, once its signature (by one of the provider's `keys`, a JWK set),
    issuer, audience and expiry are checked; InvalidIdToken otherwise.

    A token names its key (`kid`), or may leave it out when the provider has one key: then each
    of the provider's signing keys is tried."""
    try:
        kid = jwt.get_unverified_header(id_token).get("kid")
        candidates = [
            key
            for key in jwt.PyJWKSet.from_dict(keys).keys
            if key.public_key_use in (None, "sig") and (kid is None or key.key_id == kid)
        ]
        for key in candidates:
            try:
                return jwt.decode(
                    id_token,
                    key.key,
                    algorithms=ID_TOKEN_ALGORITHMS,
                    audience=audience,
                    issuer=issuer,
                    options={"require": ["iss", "sub", "aud", "exp", "iat"]},
                )
            except jwt.InvalidSignatureError:
                continue
    except (jwt.PyJWTError, KeyError, TypeError, ValueError) as error:
        raise InvalidIdToken(f"Invalid id_token: {error!r}") from error
    raise InvalidIdToken(f"Invalid id_token: signed by none of the provider's keys (kid {kid!r})")


@login_not_required
def login(request, provider_id):
    try:
        return allauth_views.login(request, provider_id)
    except (RequestException, KeyError, ValueError) as error:
        return _failed(request, provider_id, error)


@login_not_required
def callback(request, provider_id):
    # Read before allauth takes it out of the session: where the visitor was, for the way back.
    pending = statekit.get_states(request).get(request.GET.get("state", ""))
    try:
        view = OAuth2CallbackView.adapter_view(CheckedOpenIDConnectAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist as error:
        raise Http404 from error
    except (RequestException, KeyError, ValueError) as error:
        # allauth asks for the discovery document before its own error handling starts; KeyError,
        # ValueError: an answer without what OpenID Connect requires ("token_endpoint", "sub").
        return _failed(request, provider_id, error, state=pending[0] if pending else None)


def _failed(request, provider_id, error, state=None):
    if not isinstance(error, RequestException):  # a provider down is logged by the error page (profiles/sso.py)
        logger.warning("OpenID Connect provider %s answered what we cannot use", provider_id, exc_info=error)
    provider = get_adapter(request).get_provider(request, provider_id)
    unavailable = ProviderUnavailable(str(error))
    unavailable.__cause__ = error
    return render_authentication_error(request, provider, exception=unavailable, extra_context={"state": state})
