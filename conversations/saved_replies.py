"""Saved replies: a library the brand's staff share, in each of the site's languages.

A body may hold placeholders, filled when the reply is inserted into a composer:
{member} (the name of the member written to), {me} (the writer's name), {site} (SITE_NAME).
Any other text in braces stays as it is.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from conversations.models import SavedReply
from forum.validators import clean_body
from profiles import roles

TITLE_MAX = 120
RESULTS = 10
PLACEHOLDERS = ("{member}", "{me}", "{site}")


def check_can_use(member):
    if not roles.is_brand_staff(member):
        raise PermissionDenied(_("Only brand staff can use saved replies."))


def _clean(title: str, body: str, language: str) -> tuple[str, str, str]:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError(_("Give the saved reply a title."), code="title")
    if len(title) > TITLE_MAX:
        raise ValidationError(_("A title can have at most %(count)d characters.") % {"count": TITLE_MAX})
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose the reply’s language."), code="language")
    return title, clean_body(body), language


def save_reply(*, by, title: str, body: str, language: str, reply: SavedReply | None = None) -> SavedReply:
    """Add a saved reply to the library, or change one."""
    check_can_use(by)
    title, body, language = _clean(title, body, language)
    with transaction.atomic():
        reply = reply or SavedReply(created_by=by)
        reply.title, reply.body, reply.language, reply.updated_at = title, body, language, timezone.now()
        reply.save()
    return reply


def delete_reply(*, by, reply: SavedReply):
    check_can_use(by)
    reply.delete()


def search(query: str, *, language: str | None = None):
    """Replies whose title or text hold every word of the query, those in `language` first."""
    replies = SavedReply.objects.all()
    for word in (query or "").split()[:5]:
        replies = replies.filter(Q(title__icontains=word) | Q(body__icontains=word))
    if language:
        first = Case(When(language=language, then=Value(0)), default=Value(1), output_field=IntegerField())
        replies = replies.order_by(first, "title", "id")
    return replies[:RESULTS]


def fill(body: str, *, member, writer) -> str:
    """The body with its placeholders filled (plain replacement: the result is Markdown, rendered
    and sanitized like any message once sent)."""
    values = {"{member}": member.name if member else "", "{me}": writer.name, "{site}": settings.SITE_NAME}
    for placeholder, value in values.items():
        body = body.replace(placeholder, value)
    return body
