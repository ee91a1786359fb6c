"""The headers that limit what a page may do: Content-Security-Policy and Permissions-Policy.

The policies live in settings (CONTENT_SECURITY_POLICY, read by django-csp, and
PERMISSIONS_POLICY); this middleware sends them on every response it wraps.
"""

from functools import lru_cache

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.signals import setting_changed
from django.dispatch import receiver

# What django-csp's decorators (csp_exempt, csp_update, csp_replace...) leave on a response.
_PER_VIEW_POLICY = (
    "_csp_exempt",
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt_ro",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


def permissions_policy(features: dict[str, list[str]]) -> str:
    """The header's value: {"camera": []} is "camera=()", off for the page and every frame in it."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in features.items())


def websocket_origin(request) -> str | None:
    """ws(s)://host of the page, for connect-src.

    CSP 3 lets 'self' match the same host's ws: and wss: (Chromium does:
    tests/e2e/test_content_security_policy.py), but browsers that predate the rule
    would block the live socket.
    """
    try:
        host = request.get_host()
    except DisallowedHost:  # the answer is a 400 with no page to connect from
        return None
    return f"{'wss' if request.is_secure() else 'ws'}://{host}"


def _with_socket(update: dict | None, origin: str | None) -> dict | None:
    if not origin:
        return update
    update = dict(update or {})
    update["connect-src"] = [*update.get("connect-src", ()), origin]
    return update


@lru_cache(maxsize=64)  # one per host name and scheme the site answers to
def settings_policy(origin: str | None) -> str:
    """The settings' policy, as django-csp builds it, with the page's socket origin."""
    return build_policy(update=_with_socket(None, origin))


@receiver(setting_changed)
def _forget_policies(setting, **kwargs):
    if setting == "CONTENT_SECURITY_POLICY":
        settings_policy.cache_clear()


class SecurityHeadersMiddleware(CSPMiddleware):
    """django-csp's Content-Security-Policy, with the page's WebSocket origin, and the Permissions-Policy.

    Under ASGI Django's MiddlewareMixin runs process_request and process_response in a
    worker thread, two thread hops per request (PERFORMANCE.md: middleware is the HTTP
    ceiling); both are string work with no I/O, so they run on the event loop instead.
    django-csp rebuilds the policy for each response (~100 us here); a response that
    no view decorator, nonce, report-only policy or excluded prefix changes gets the
    settings' policy built once per origin, and anything else goes through django-csp.
    """

    def __init__(self, get_response):
        super().__init__(get_response)
        self.permissions_policy = permissions_policy(settings.PERMISSIONS_POLICY)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        # Neither can change a response's policy when they are not set; read once, as
        # django-csp's own lookups of missing settings cost more than the rest of the work.
        self.plain_settings = not (
            getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or policy.get("EXCLUDE_URL_PREFIXES")
        )

    async def __acall__(self, request):
        self.process_request(request)
        response = await self.get_response(request)
        return self.process_response(request, response)

    def process_response(self, request, response):
        if self._settings_policy_applies(request, response):
            policy = settings_policy(websocket_origin(request))
            if policy and HEADER not in response:
                response[HEADER] = policy
            # As django-csp does: a nonce asked for after the header is written is an error.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        else:
            response = super().process_response(request, response)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.permissions_policy
        return response

    def _settings_policy_applies(self, request, response) -> bool:
        return (
            self.plain_settings
            and getattr(request, "_csp_nonce", None) is None
            and not any(hasattr(response, name) for name in _PER_VIEW_POLICY)
            and not (settings.DEBUG and response.status_code in (404, 500))  # Django's debug pages
        )

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only:
            parts.update = _with_socket(parts.update, websocket_origin(request))
        return parts
