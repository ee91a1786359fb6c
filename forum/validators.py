"""Content rules shared by the forms and the services (the services enforce them too)."""

import re

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

TITLE_MIN, TITLE_MAX = 5, 150
BODY_MAX = 50_000
TAGS_MAX, TAG_LENGTH_MAX = 5, 30


# C0 control characters other than tab, newline and carriage return: invisible, and XML 1.0
# (the Atom and RSS feeds) cannot carry them.
CONTROL_CHARACTERS = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f]")


def _reject_control_characters(value: str):
    if "\x00" in value:
        raise ValidationError(_("The text contains a NUL character, which cannot be saved."), code="nul")
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(_("The text contains control characters, which cannot be saved."), code="control")
    if any(0xD800 <= ord(char) <= 0xDFFF for char in value):
        raise ValidationError(_("The text contains invalid characters."), code="invalid_text")


def clean_title(value: str) -> str:
    value = " ".join((value or "").split())
    _reject_control_characters(value)
    if len(value) < TITLE_MIN:
        raise ValidationError(
            ngettext(
                "The title needs at least %(count)d character.",
                "The title needs at least %(count)d characters.",
                TITLE_MIN,
            )
            % {"count": TITLE_MIN},
            code="title_short",
        )
    if len(value) > TITLE_MAX:
        raise ValidationError(
            _("The title can have at most %(count)d characters (it has %(length)d).")
            % {"count": TITLE_MAX, "length": len(value)},
            code="title_long",
        )
    return value


def clean_body(value: str) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    _reject_control_characters(value)
    if not value:
        raise ValidationError(_("Write a message first."), code="body_empty")
    if len(value) > BODY_MAX:
        raise ValidationError(
            _("A message can have at most %(count)s characters (it has %(length)s).")
            % {"count": f"{BODY_MAX:,}", "length": f"{len(value):,}"},
            code="body_long",
        )
    return value


def clean_tags(names) -> list[str]:
    """Normalise tag names: lower case, slug-safe, unique, at most TAGS_MAX."""
    if isinstance(names, str):
        names = names.split(",")
    tags = []
    for raw in names:
        name = slugify(str(raw).strip().lower())[:TAG_LENGTH_MAX].strip("-")
        if name and name not in tags:
            tags.append(name)
    if len(tags) > TAGS_MAX:
        raise ValidationError(
            _("Use at most %(count)d tags.") % {"count": TAGS_MAX},
            code="too_many_tags",
        )
    return tags
