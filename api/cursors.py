"""Cursor pagination: a page ends with an opaque `next` cursor, the keys of its last item.

A cursor is the URL-safe base64 of a JSON list of the order's key values (dates as ISO 8601
strings, ids as numbers). The next page is the items after those keys in the same order
(keyset pagination): no OFFSET, so page 500 costs what page 1 does, and an item written
meanwhile is neither skipped nor shown twice. A cursor that is not one of ours is refused
with BadCursor (the API answers 400), never a 500.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

MAX_CURSOR_LENGTH = 200


class BadCursor(ValueError):
    def __init__(self):
        super().__init__(_("This cursor is not valid: pass back the `next` value of a page as it was given."))


@dataclass(frozen=True)
class Order:
    """An order of items by key fields, each "field" (ascending) or "-field" (descending), the
    last one unique (the id). `kinds` says what each key is: datetime or int."""

    fields: tuple[str, ...]
    kinds: tuple[type, ...]

    def keys_of(self, item) -> list:
        return [_attribute(item, field.lstrip("-")) for field in self.fields]

    def after(self, values: list) -> Q:
        """Items after `values` in this order: (a > x) or (a = x and b > y) or ..."""
        q = None
        for index, field in enumerate(self.fields):
            name = field.lstrip("-")
            step = Q(**{f"{name}__{'lt' if field.startswith('-') else 'gt'}": values[index]})
            for previous, value in zip(self.fields[:index], values[:index], strict=True):
                step &= Q(**{previous.lstrip("-"): value})
            q = step if q is None else q | step
        return q


def _attribute(item, path: str):
    for name in path.split("__"):
        item = getattr(item, name)
    return item


def encode(values: list) -> str:
    plain = [value.isoformat() if isinstance(value, datetime) else value for value in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str, order: Order) -> list:
    """The key values in `cursor`, checked against the order's kinds; BadCursor otherwise."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise BadCursor
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadCursor from None
    if not isinstance(values, list) or len(values) != len(order.kinds):
        raise BadCursor
    return [_value(value, kind) for value, kind in zip(values, order.kinds, strict=True)]


def _value(value, kind):
    if kind is datetime:
        if not isinstance(value, str):
            raise BadCursor
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise BadCursor from None
        if parsed.tzinfo is None:
            raise BadCursor
        return parsed
    # bool is an int to Python, not an id; ids fit the databases' 64-bit keys.
    if not isinstance(value, int) or isinstance(value, bool) or not -(2**63) <= value < 2**63:
        raise BadCursor
    return value


@dataclass
class CursorPage:
    items: list
    next: str | None


def page(queryset: QuerySet, order: Order, *, cursor: str | None, limit: int) -> CursorPage:
    """`limit` items of the queryset in `order`, after `cursor` if given."""

    def read(after: list | None, count: int) -> list:
        found = queryset.filter(order.after(after)) if after else queryset
        return list(found.order_by(*order.fields)[:count])

    return page_of(read, order, cursor=cursor, limit=limit)


def page_of(read, order: Order, *, cursor: str | None, limit: int) -> CursorPage:
    """As `page`, for a read of its own (a prepared one, web/prepared.py): `read(after, count)`
    returns the first `count` items in `order` after the key values `after` (None: the first)."""
    items = read(decode(cursor, order) if cursor else None, limit + 1)
    more = len(items) > limit
    items = items[:limit]
    return CursorPage(items=items, next=encode(order.keys_of(items[-1])) if more else None)
