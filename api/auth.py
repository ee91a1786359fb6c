"""Who a request to the API acts as: a personal token's member (Authorization: Bearer), or a
visitor when no token is sent (reads only). Session cookies are never read: a browser's
session cannot write through the API, so there is no cross-site request to forge.

A token that is unknown, revoked or whose member's account is closed is refused (401) rather
than read as a visitor: a client whose token stopped working learns it at once. Each token
may make API_REQUESTS_PER_MINUTE requests a minute, and each client address (as
web.limits.client_address reads it) API_ANONYMOUS_REQUESTS_PER_MINUTE without a valid token
(none, a malformed or an unknown one). Both count in web.limits, the posting limits'
counters: 429 with Retry-After over either.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from api import services
from api.models import ApiToken
from web import limits

REALM = 'Bearer realm="api"'
# The header as the request's META has it: request.headers would build a map of every header
# first, on every read (nothing else on the way reads it).
AUTHORIZATION = "HTTP_AUTHORIZATION"


@dataclass(frozen=True)
class Caller:
    member: object
    token: ApiToken | None = None

    def __bool__(self):  # ninja takes a falsy answer for "not authenticated"
        return True


VISITOR = Caller(member=AnonymousUser())


class BearerToken(HttpBearer):
    """Reads accept a token or none; writes (write=True) need a token with the write scope."""

    def __init__(self, *, write: bool = False):
        super().__init__()
        self.write = write

    def __call__(self, request) -> Caller:
        """The caller, checked once per request: a read's is checked before its shared copy is
        looked up (api/endpoints.py), and ninja's own check of the read is given that one."""
        known = getattr(request, "api_caller", None)
        if known is None or self.write:
            known = request.api_caller = self._check(request)
        return known

    def _check(self, request) -> Caller:
        header = request.META.get(AUTHORIZATION, "")
        if not header:
            take_anonymous(request)
            if self.write:
                raise AuthenticationError(
                    401, _("Writing needs a personal API token, in the Authorization header (Bearer, then the token).")
                )
            return VISITOR
        scheme, _space, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            take_anonymous(request)
            message = _("Send the token in the Authorization header: the word Bearer, a space, then the token.")
            raise AuthenticationError(401, message)
        return self.authenticate(request, raw.strip())

    def authenticate(self, request, token: str) -> Caller:
        found = services.token_for(token)
        if found is None:
            take_anonymous(request)
            raise AuthenticationError(401, _("This token is not valid: it was revoked, or its account is closed."))
        if self.write and not found.may_write:
            raise PermissionDenied(_("This token may only read: create one with the read and write scope to write."))
        limits.take(
            f"api:token:{found.pk}",
            settings.API_REQUESTS_PER_MINUTE,
            60,
            _("Too many requests with this token: wait a moment and try again."),
        )
        services.record_use(found)
        return Caller(member=found.member, token=found)


def take_anonymous(request):
    """A request without a valid token counts against its client address's limit."""
    limits.take(
        f"api:address:{limits.client_address(request)}",
        settings.API_ANONYMOUS_REQUESTS_PER_MINUTE,
        60,
        _("Too many requests without a token from your address: wait a moment, or send a personal API token."),
    )


def viewer(request):
    """The member the request acts as, or an anonymous visitor."""
    return request.auth.member
