"""Every change to API tokens: made, used, revoked (one write path each)."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiToken
from profiles import roles
from profiles.models import Member
from web.prepared import Prepared

TOKEN_START = "agora_"  # noqa: S105 (what every token starts with, not a secret)
TOKENS_PER_MEMBER = 20
NAME_MAX = 60
# last_used_at is written when it is older than this: a busy token costs one write a minute.
USE_RECORDED_EVERY = timedelta(seconds=60)
# Every request that sends a token reads it with its member: the SQL is compiled once
# (web/prepared.py), where building it through the ORM cost more than the read itself.
_ACTIVE_TOKEN = Prepared(
    lambda prefix: ApiToken.objects.select_related("member").filter(prefix=prefix, revoked_at__isnull=True)
)


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def active_tokens(member):
    return ApiToken.objects.filter(member=member, revoked_at__isnull=True)


def create_token(*, member, name: str, scope: str) -> tuple[ApiToken, str]:
    """A new token for the member; returns it and its secret, which is shown once and kept
    nowhere (the row holds its SHA-256)."""
    if not roles.is_member(member):
        raise PermissionDenied(_("Log in to create an API token."))
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Give the token a name, to tell it from the others."), code="name_empty")
    if len(name) > NAME_MAX:
        raise ValidationError(_("A token's name can have at most %(count)d characters.") % {"count": NAME_MAX})
    if scope not in ApiToken.Scope.values:
        raise ValidationError(_("Choose the scope: read, or read and write."), code="scope")
    with transaction.atomic():
        # The member's row is the lock: two forms sent at once cannot both pass the cap.
        Member.objects.select_for_update().filter(pk=member.pk).first()
        if active_tokens(member).count() >= TOKENS_PER_MEMBER:
            raise ValidationError(
                _("You have %(count)d tokens already: revoke one you no longer use first.")
                % {"count": TOKENS_PER_MEMBER},
                code="too_many",
            )
        prefix = secrets.token_hex(4)
        raw = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
        token = ApiToken.objects.create(member=member, name=name, scope=scope, prefix=prefix, digest=digest_of(raw))
    return token, raw


def revoke_token(*, token: ApiToken, by) -> ApiToken:
    """The token stops working at once (the next request that shows it is refused)."""
    if not roles.is_member(by) or (token.member_id != by.pk and not roles.is_admin(by)):
        raise PermissionDenied(_("You can only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=token.revoked_at)
    return token


def token_for(raw: str) -> ApiToken | None:
    """The active token this secret is, with its member, or None (unknown, revoked, malformed,
    or its member's account is closed). The digest is compared in constant time."""
    if not raw.startswith(TOKEN_START):
        return None
    prefix, _sep, secret = raw[len(TOKEN_START) :].partition("_")
    if not prefix or not secret or len(prefix) > 16:
        return None
    found = _ACTIVE_TOKEN.objects(prefix=prefix)  # the prefix is unique: one row at most
    token = found[0] if found else None
    if token is None or not hmac.compare_digest(token.digest, digest_of(raw)):
        return None
    return token if token.member.is_active else None


def record_use(token: ApiToken, now=None):
    """Note when the token was last used, at most once every USE_RECORDED_EVERY."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < USE_RECORDED_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
