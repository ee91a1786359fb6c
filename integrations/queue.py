"""The write side of the queue: deliveries written in the transaction of the event they tell of.

Posting pays for webhooks only when some exist: the active ones (their ids, events and level)
are cached, so an event that no active webhook takes costs no query, and one that some take
costs one statement, INSERT ... SELECT, for all of them and all the event's deliveries.

The statement reads the webhooks it writes for (active, by id), so a cache a little behind an
admin's change (another process's memory while Redis is away, say) can never make posting fail
on a webhook deleted meanwhile: its rows are simply not written.
"""

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BigIntegerField, CharField, DateTimeField, F, IntegerField, TextField, Value
from django.db.models.functions import Cast
from django.utils import timezone

from integrations import payloads
from integrations.models import Delivery, Webhook

CACHE_KEY = "integrations:active-webhooks"
# Changes clear the cache at once (forget_active_webhooks); this bounds how long a process
# with a cache of its own (no Redis, or Redis away) may go on with the previous set.
CACHE_SECONDS = 60

COLUMNS = (
    "webhook",
    "event",
    "payload",
    "status",
    "attempts",
    "next_attempt_at",
    "created_at",
    "thread",
    "post",
    "response_excerpt",
    "error",
)


def active_webhooks() -> list[tuple[int, frozenset, bool]]:
    """(id, events, staff_level) of each active webhook, from the cache when it holds them."""
    found = cache.get(CACHE_KEY)
    if found is None:
        rows = Webhook.objects.filter(is_active=True).order_by().values_list("pk", "events", "staff_level")
        found = [(pk, frozenset(events or ()), staff_level) for pk, events, staff_level in rows]
        cache.set(CACHE_KEY, found, CACHE_SECONDS)
    return found


def forget_active_webhooks():
    """After a change to webhooks: now, and again after the commit (a process that read the
    previous set meanwhile, before the change was committed, cached it again)."""
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


def enqueue(items, *, thread=None, post=None, public) -> int:
    """Queue each event of `items` ((event, build) pairs; `build()` returns its payload's data,
    called only when a webhook takes the event) for every active webhook that takes it and may
    see it: every one when `public` (a visitor may read what it tells of; a bool, or a function
    asked only when a webhook is active), else the staff-level
    ones. The caller holds the event's transaction. Returns how many deliveries were written."""
    webhooks = active_webhooks()
    if not webhooks:
        return 0
    if callable(public):  # worked out only when some webhook may take the event
        public = public()
    selects = []
    for event, build in items:
        ids = [pk for pk, events, staff_level in webhooks if event in events and (public or staff_level)]
        if ids:
            selects.append(_rows(ids, event, payloads.envelope(event, build()), thread, post))
    if not selects:
        return 0
    query = selects[0].union(*selects[1:], all=True) if len(selects) > 1 else selects[0]
    return _insert_from(query)


def _rows(ids: list[int], event: str, body: str, thread, post):
    """One row per webhook among `ids` still active: the SELECT half of the insert."""
    now = timezone.now()
    values = {
        "w": F("pk"),
        "e": Value(event, output_field=CharField()),
        "p": Value(body, output_field=TextField()),
        "s": Value(Delivery.Status.PENDING, output_field=CharField()),
        "a": Value(0, output_field=IntegerField()),
        "n": Value(now, output_field=DateTimeField()),
        "c": Value(now, output_field=DateTimeField()),
        # Typed, so that PostgreSQL unites SELECTs whose thread is NULL.
        "t": Cast(Value(thread.pk if thread else None), BigIntegerField()),
        "o": Cast(Value(post.pk if post else None), BigIntegerField()),
        "x": Value("", output_field=CharField()),
        "r": Value("", output_field=CharField()),
    }
    return Webhook.objects.filter(pk__in=ids, is_active=True).order_by().annotate(**values).values_list(*values)


def _insert_from(query) -> int:
    """INSERT ... SELECT, which the ORM cannot express: the SELECT is the ORM's own compiled
    query; only column names from the model's metadata, quoted by the backend, are added."""
    sql, params = query.query.sql_with_params()
    table = connection.ops.quote_name(Delivery._meta.db_table)
    names = ", ".join(connection.ops.quote_name(Delivery._meta.get_field(name).column) for name in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)
        return cursor.rowcount
