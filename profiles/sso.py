"""Members from an OpenID Connect provider's claims (SOCIALACCOUNT_ADAPTER in config/settings.py).

The first log-in with a provider creates the member: a username from the claims, made unique
and valid; the display name from `name`; the preferred language from `locale`; the address
verified only when the provider says so (`email_verified`). A later log-in finds the member by
the provider's subject. A member of this forum whose address is verified here is linked the
first time the provider vouches for that same address; an address the provider does not vouch
for never links anyone (allauth then mails the address's owner instead, as a password sign-up
with a registered address does, so the page tells nothing about who is registered).

What went wrong on the way (a provider down, a refusal, a stale or forged answer) is told on
one page with a way back (`on_authentication_error`); profiles/oidc.py sends every failure there.
"""

import logging

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthError
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from requests import RequestException

from web.redirects import is_same_site

logger = logging.getLogger(__name__)

DISPLAY_NAME_MAX = 60  # Member.display_name


class ProviderUnavailable(Exception):
    """The provider could not be asked: no answer, or not the answer OpenID Connect expects."""


class InvalidIdToken(OAuth2Error):
    """The ID token's signature, issuer, audience or expiry is wrong."""


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        # LOCAL_SIGNUP closes sign-up with a password only: the brand's accounts still come in.
        return True

    def populate_user(self, request, sociallogin, data):
        claims = claims_of(sociallogin)
        # allauth takes `email_verified` as it comes; some providers send the string "false".
        vouched = vouches_for_email(claims)
        for address in sociallogin.email_addresses:
            address.verified = vouched
        member = super().populate_user(request, sociallogin, data)
        member.username = get_account_adapter(request).generate_unique_username(
            [_text(claims.get("preferred_username")), member.email, _text(claims.get("name"))]
        )
        member.display_name = _text(claims.get("name"))[:DISPLAY_NAME_MAX]
        member.language = site_language(claims.get("locale")) or site_language(translation.get_language())
        return member

    def authenticate_by_email(self, sociallogin):
        """A member is linked only when their address is verified here too: someone who signed
        up with another's address, never confirmed, must not receive the owner's log-in."""
        found = super().authenticate_by_email(sociallogin)
        if found is None:
            return None
        member, email = found
        if not EmailAddress.objects.filter(user=member, email__iexact=email, verified=True).exists():
            return None
        return found

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        extra_context = extra_context or {}
        kind, status = failure_kind(request, error, exception, extra_context)
        logger.warning("Sign-in with %s failed (%s): %r", provider.sub_id, kind, exception)
        state = extra_context.get("state") or {}
        next_url = state.get("next") or request.GET.get("next") or ""
        context = {
            "provider": provider,
            "kind": kind,
            "reason": failure_reason(kind, provider.name),
            "next": next_url if next_url and is_same_site(request, next_url) else "",
        }
        raise ImmediateHttpResponse(render(request, "socialaccount/authentication_error.html", context, status=status))


def claims_of(sociallogin) -> dict:
    """The claims allauth kept: the userinfo endpoint's answer, else the ID token's."""
    data = sociallogin.account.extra_data or {}
    return data.get("userinfo") or data.get("id_token") or {}


def vouches_for_email(claims: dict) -> bool:
    verified = claims.get("email_verified")
    return verified is True or (isinstance(verified, str) and verified.strip().lower() == "true")


def site_language(locale) -> str:
    """The site's language for a locale ("fr-CA", "fr_FR", "en"), or "" when the site has none."""
    if not isinstance(locale, str):
        return ""
    code = locale.strip().replace("_", "-").split("-")[0].lower()
    return code if code in dict(settings.LANGUAGES) else ""


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def failure_kind(request, error, exception, extra_context) -> tuple[str, int]:
    """What went wrong, as the page tells it, and the status of the answer."""
    if error == AuthError.CANCELLED:
        return "cancelled", 401
    if isinstance(exception, (ProviderUnavailable, RequestException)):
        return "unavailable", 502
    if isinstance(exception, InvalidIdToken):
        return "invalid_token", 502
    if isinstance(exception, OAuth2Error):
        return "code_refused", 400
    if exception is None and extra_context.get("state") is None and "state_id" in extra_context:
        return "state", 400
    if exception is None and "error" in request.GET:
        return "refused", 401
    return "unknown", 400


def failure_reason(kind: str, provider_name: str) -> str:
    reasons = {
        "cancelled": _("Signing in with %(provider)s was cancelled, so you are not signed in."),
        "unavailable": _(
            "%(provider)s could not be reached, or did not answer as expected. "
            "It may be down for a moment: try again in a few minutes."
        ),
        "invalid_token": _(
            "The answer from %(provider)s could not be verified (its signature or the application "
            "it was meant for is wrong), so you are not signed in. If it happens again, please tell "
            "the forum's team."
        ),
        "code_refused": _(
            "%(provider)s did not confirm this sign-in: it may have taken too long, or the page was "
            "opened twice. Please start again."
        ),
        "state": _(
            "This sign-in link has expired or was already used, or it was opened in another browser. "
            "Please start again from the log-in page."
        ),
        "refused": _("%(provider)s did not sign you in."),
        "unknown": _("Signing in with %(provider)s did not work."),
    }
    return reasons[kind] % {"provider": provider_name}
