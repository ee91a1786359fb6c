"""Writing notifications and marking them read.

notify() runs inside the transaction of the event that caused it, so the
rows commit with the reply, vote or badge; the push to open sockets is
queued for after the commit (web/push.py).
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone, translation

from forum.models import Follow
from forum.permissions import can_read_thread, everyone_reads, readable_or_no_thread_q, same_reader
from notifications import access, messages
from notifications.models import Kind, Notification, Preference
from profiles.models import Member
from web import push
from web.prepared import Prepared, PreparedUpdate

# Unread notifications of these kinds on one thread collapse into one row.
COLLAPSING = {Kind.REPLY, Kind.FOLLOWED_REPLY, Kind.HELPFUL, Kind.NEW_REPORT, Kind.OFFICIAL_RESPONSE}

DEFAULT_EMAIL = {
    Kind.REPLY: Preference.Email.IMMEDIATE,
    Kind.MENTION: Preference.Email.IMMEDIATE,
    Kind.ANSWER_ACCEPTED: Preference.Email.IMMEDIATE,
    Kind.SUSPENDED: Preference.Email.IMMEDIATE,
    Kind.OFFICIAL_RESPONSE: Preference.Email.IMMEDIATE,
    Kind.IDEA_STATUS: Preference.Email.IMMEDIATE,
    Kind.HELP_INVITE: Preference.Email.IMMEDIATE,
    Kind.BOOKMARK_REMINDER: Preference.Email.IMMEDIATE,
    Kind.MESSAGE: Preference.Email.IMMEDIATE,
}


class Told(NamedTuple):
    """A notification as this transaction left it: what its push says, without loading the row."""

    pk: int
    recipient_id: int
    kind: str
    count: int
    data: dict
    shown_on_site: bool
    updated_at: datetime


class Recipient(NamedTuple):
    """A member as notify() reads them: the fields of the role rules (profiles.roles.ROLE_FIELDS)
    and the language, from a query's values. A fan-out to a thread's followers builds no model
    instance for each (they were most of the cost of telling a hundred followers)."""

    pk: int
    is_active: bool
    is_superuser: bool
    is_brand_staff: bool
    is_moderator: bool
    suspended_until: datetime | None
    language: str

    is_authenticated = True
    is_suspended = Member.is_suspended


def recipients(members) -> list[Recipient]:
    """The members of a queryset as Recipients, in one query."""
    return as_recipients(members.values_list(*Recipient._fields))


def as_recipients(rows) -> list[Recipient]:
    """Rows of members' Recipient._fields (a Prepared read's, say) as Recipients."""
    return [Recipient._make(row) for row in rows]


def _kinds(kinds) -> dict[str, str]:
    """Kinds as the arguments of a prepared read (web/prepared.py takes lists of ints only)."""
    return {f"kind{n}": kind for n, kind in enumerate(sorted(kinds))}


def _of_kinds(kinds: dict[str, str]) -> list[str]:
    return [kinds[name] for name in sorted(kinds)]


# The reads of every fan-out, in the transaction of the event (a reply to a thread that a hundred
# members follow), with their SQL compiled once (web/prepared.py): through the ORM, their lists
# of a hundred ids cost more to turn into SQL than SQLite takes to answer.
_PREFERENCES = Prepared(
    lambda members, **kinds: Preference.objects.filter(member__in=members, kind__in=_of_kinds(kinds)).values_list(
        "member", "kind", "on_site", "email"
    )
)
_MUTED = Prepared(lambda thread: Follow.objects.filter(thread=thread, level=Follow.Level.MUTED).values_list("member"))
_UNREAD_ON_THREAD = Prepared(
    lambda thread, **kinds: (
        Notification.objects.filter(kind__in=_of_kinds(kinds), thread=thread, read_at__isnull=True)
        .select_for_update()
        .values_list("pk", "recipient", "kind", "count", "data", "shown_on_site")
    )
)


def preferences_for(member_ids, kind) -> dict[int, tuple[bool, str]]:
    """(on_site, email) per member for one kind, defaults filled in."""
    return _preferences(dict.fromkeys(member_ids, kind))


def _preferences(kind_of: dict[int, str]) -> dict[int, tuple[bool, str]]:
    """(on_site, email) per member for the kind each is told of, defaults filled in: one query."""
    rows = _PREFERENCES.rows(members=list(kind_of), **_kinds(set(kind_of.values())))
    found = {(pk, kind): (on_site, email) for pk, kind, on_site, email in rows}
    return {
        pk: found.get((pk, kind), (True, DEFAULT_EMAIL.get(kind, Preference.Email.OFF))) for pk, kind in kind_of.items()
    }


def _eligible(recipients: Iterable, *, actor, thread) -> list:
    members, actor_pk = {}, actor.pk if actor is not None else None
    asked = thread is not None and not everyone_reads(thread)
    for member in recipients:
        if member is None or not member.is_active or member.pk == actor_pk:
            continue
        if asked and not can_read_thread(member, thread):
            continue
        members[member.pk] = member
    if thread is not None and members:
        # The thread's mutes, few, by the thread's index: not a list of a hundred followers' ids.
        for (pk,) in _MUTED.rows(thread=thread.pk):
            members.pop(pk, None)
    return list(members.values())


def notify(
    *, recipients: Iterable, kind: str, actor=None, thread=None, post=None, data=None, url="", audience=None
) -> list:
    """Notify each recipient once, unless it is the actor, cannot read the thread, or muted it.

    `audience`: for news of something other than a thread, a function read after the commit
    that returns who may receive the live push (notifications.access), or None if no one may.
    The caller holds the transaction. Returns the notifications written or collapsed into (Told).
    """
    return notify_each(
        kinds=[(member, kind) for member in recipients],
        actor=actor,
        thread=thread,
        post=post,
        data=data,
        url=url,
        audience=audience,
    )


def notify_each(
    *, kinds: Iterable[tuple], actor=None, thread=None, post=None, data=None, url="", audience=None
) -> list:
    """notify() with a kind for each recipient, given as (member, kind) pairs: a reply tells the
    people it quotes, mentions, the thread's author and its followers, each their own kind.

    A member named twice is told once, of the first kind named. However many members and kinds,
    the rows are read, collapsed into and written in the same few statements. The caller holds
    the transaction. Returns the notifications written or collapsed into (Told).
    """
    kinds = [(member, kind) for member, kind in kinds if member is not None]
    kind_of = {}
    for member, kind in kinds:
        kind_of.setdefault(member.pk, kind)
    members = _eligible((member for member, _kind in kinds), actor=actor, thread=thread)
    if not members:
        return []
    prefs = _preferences({m.pk: kind_of[m.pk] for m in members})
    members = [m for m in members if prefs[m.pk][0] or prefs[m.pk][1] != Preference.Email.OFF]
    now = timezone.now()
    existing = _collapsing_into(members, kind_of, prefs, thread)
    _bump([pk for pk, _count, _data in existing.values()], actor, now)
    told = [
        Told(pk, recipient, kind_of[recipient], count + 1, data, prefs[recipient][0], now)
        for recipient, (pk, count, data) in existing.items()
    ]
    new = [
        Notification(
            recipient_id=m.pk,
            kind=kind_of[m.pk],
            actor=actor,
            thread=thread,
            post=post,
            data=data or {},
            url=url,
            shown_on_site=prefs[m.pk][0],
            created_at=now,
            updated_at=now,
        )
        for m in members
        if m.pk not in existing
    ]
    told += [
        Told(n.pk, n.recipient_id, n.kind, 1, n.data, n.shown_on_site, now)
        for n in Notification.objects.bulk_create(new)
    ]
    shown = [t for t in told if t.shown_on_site]
    _push_on_commit(shown, {m.pk: m for m in members}, actor=actor, thread=thread, audience_of=audience)
    return told


def _collapsing_into(members, kind_of, prefs, thread) -> dict[int, tuple[int, int, dict]]:
    """(id, count, data) of the unread row of the same kind on the same thread that each
    member's news joins, if any: read as values, a hundred followers build no hundred rows.

    Only into a row shown as the member now wants it: after turning a kind off on the site,
    new events must not keep bumping (and pushing) an unread visible row.
    """
    ids = {m.pk for m in members if kind_of[m.pk] in COLLAPSING}
    if thread is None or not ids:
        return {}
    # The thread's unread rows of these kinds, by the thread's index: they are the rows of those
    # told of it before, nearly the same members; no list of a hundred followers' ids to send.
    rows = _UNREAD_ON_THREAD.rows(thread=thread.pk, **_kinds({kind_of[pk] for pk in ids}))
    return {
        recipient: (pk, count, data)
        for pk, recipient, kind, count, data, on_site in rows
        if recipient in ids and kind == kind_of[recipient] and on_site == prefs[recipient][0]
    }


def _bumped(ids, now, actor=None):
    changes = {"count": F("count") + 1, "actor": actor, "updated_at": now, "emailed_at": None}
    return Notification.objects.filter(pk__in=ids), changes


# By whether an actor did it (an argument of a prepared statement is never None).
_BUMP = {True: PreparedUpdate(_bumped), False: PreparedUpdate(lambda ids, now: _bumped(ids, now))}


def _bump(ids, actor, now):
    """One more event in each of these unread rows, by `actor`, in one statement."""
    if not ids:
        return
    if actor is None:
        _BUMP[False].run(ids=ids, now=now)
    else:
        _BUMP[True].run(ids=ids, now=now, actor=actor.pk)


def renotify(*, recipients: Iterable, kind: str, match: dict, actor=None, thread=None, data=None) -> list:
    """Bring back, unread and with new data, the recipients' notifications of a kind whose data
    contain `match` (a decision that changed since they were told). Returns the rows revised;
    a recipient with none is left to the caller (notify them afresh). The caller holds the transaction.
    """
    members = {m.pk: m for m in _eligible(recipients, actor=actor, thread=thread)}
    rows = list(
        Notification.objects.select_for_update().filter(
            recipient__in=list(members), kind=kind, **{f"data__{key}": value for key, value in match.items()}
        )
    )
    now = timezone.now()
    for n in rows:
        n.data, n.actor, n.thread, n.updated_at = {**n.data, **(data or {})}, actor, thread, now
        n.read_at = n.emailed_at = None
        n.save(update_fields=["data", "actor", "thread", "updated_at", "read_at", "emailed_at"])
    told = [Told(n.pk, n.recipient_id, n.kind, n.count, n.data, True, now) for n in rows if n.shown_on_site]
    _push_on_commit(told, members, actor=actor, thread=thread)
    return rows


def _push_on_commit(told: list[Told], members, *, actor, thread, audience_of=None):
    """After the commit, push each notification to its member's sockets.

    The notifications go out as this transaction wrote them, all by `actor` about `thread`:
    only what others may have changed since is read again, the unread counts and the thread's
    audience. Their sentences are made once for each kind, count and language, so a fan-out to
    a hundred followers builds a few, not a hundred.
    """
    if not told:
        return

    def build():
        committed = timezone.now().isoformat()  # this runs right after the commit
        heard = push.listened({push.member_group(n.recipient_id) for n in told})
        live = told if heard is None else [n for n in told if push.member_group(n.recipient_id) in heard]
        if not live:
            return []  # no page of theirs is open: they see the rows when they next load one
        counts = unread_counts(members[n.recipient_id] for n in live if n.recipient_id in members)
        audience = None
        if thread is not None:
            audience = access.of_threads([thread.pk]).get(thread.pk)
            if audience is None:
                return []  # the thread is gone since
        if audience_of is not None:
            audience = audience_of()
            if audience is None:
                return []  # what it is about is gone since
        by_language = defaultdict(list)
        for n in live:
            member = members.get(n.recipient_id)
            by_language[member.language if member and member.language else None].append(n)
        pushes, texts = [], {}
        for language, group in by_language.items():
            with translation.override(language):
                for n in group:
                    key = (language, n.kind, n.count, repr(n.data))
                    if key not in texts:
                        example = Notification(kind=n.kind, count=n.count, actor=actor, thread=thread, data=n.data)
                        texts[key] = messages.text(example)
                    message = as_message(n, counts.get(n.recipient_id, 0), text=texts[key])
                    message["committed"] = committed
                    pushes.append(push.relay(push.member_group(n.recipient_id), message, audience))
        return pushes

    push.on_commit(build)


def as_message(n: Notification | Told, unread: int, *, text: str | None = None) -> dict:
    """The live message of a notification; `text`, when given, is messages.text(n) already made."""
    return {
        "type": "notification",
        "id": n.pk,
        "kind": n.kind,
        "text": messages.text(n) if text is None else text,
        "url": f"/notifications/{n.pk}/open/",
        "created": n.updated_at.isoformat(),
        "count": n.count,
        "unread": unread,
    }


def visible_to(member, *, author=None) -> Q:
    """The notification rows a member is shown: their own on-site rows about no thread or
    about a thread they may read now (a title that became staff-only is never shown)."""
    return Q(shown_on_site=True) & readable_or_no_thread_q(member, author=author)


def unread_counts(members) -> dict[int, int]:
    """Unread counts of several members: one query per kind of reader among them."""
    by_reader = defaultdict(list)
    for member in members:
        by_reader[same_reader(member)].append(member)
    counts = {}
    for group in by_reader.values():
        rows = (
            Notification.objects.filter(visible_to(group[0], author=F("recipient")))
            .filter(recipient__in=[m.pk for m in group], read_at__isnull=True)
            .values("recipient")
            .annotate(n=Count("pk"))
        )
        counts.update((row["recipient"], row["n"]) for row in rows)
    return counts


# The unread count of each kind of reader (same_reader), its SQL compiled once: every page of a
# signed-in member shows it (web/prepared.py). The rows are the reader's, as in unread_counts().
_unread_counts: dict[tuple, Prepared] = {}


def unread_count(member) -> int:
    reader = same_reader(member)
    prepared = _unread_counts.get(reader)
    if prepared is None:
        shown = visible_to(member, author=F("recipient"))
        prepared = _unread_counts.setdefault(
            reader,
            Prepared(lambda recipient: Notification.objects.filter(shown, recipient=recipient, read_at__isnull=True)),
        )
    return prepared.count(recipient=member.pk)


RESUME_PAGE = 100


def missed_since(member, after_id: int, since: datetime | None = None) -> Iterator[list[Notification]]:
    """What a reconnecting client has not seen, oldest first, in pages, all of it.

    Rows written after the last id it saw and, when it says when its newest message
    was from, rows that collapsed into an older one since then (their id is old but
    their count and actor are new). Only rows the member may be shown now.
    """
    missed = Q(pk__gt=after_id)
    if since is not None:
        missed |= Q(updated_at__gt=since)
    rows = (
        Notification.objects.filter(missed, visible_to(member), recipient=member)
        .select_related("actor", "thread")
        .order_by("updated_at", "id")
    )
    after = Q()
    while True:
        page = list(rows.filter(after)[:RESUME_PAGE])
        if page:
            yield page
        if len(page) < RESUME_PAGE:
            return
        last = page[-1]
        after = Q(updated_at__gt=last.updated_at) | Q(updated_at=last.updated_at, pk__gt=last.pk)


def _push_unread(member):
    push.on_commit(
        lambda: [push.relay(push.member_group(member.pk), {"type": "unread", "count": unread_count(member)})]
    )


@transaction.atomic
def mark_read(*, notification: Notification, member) -> Notification:
    updated = Notification.objects.filter(pk=notification.pk, recipient=member, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if updated:
        _push_unread(member)
    return notification


@transaction.atomic
def mark_all_read(*, member, kind: str | None = None) -> int:
    unread = Notification.objects.filter(recipient=member, read_at__isnull=True)
    if kind:
        unread = unread.filter(kind=kind)
    updated = unread.update(read_at=timezone.now())
    if updated:
        _push_unread(member)
    return updated


@transaction.atomic
def set_preferences(*, member, choices: dict[str, tuple[bool, str]]):
    """choices: {kind: (on_site, email)} for the kinds the member changed."""
    for kind, (on_site, email) in choices.items():
        Preference.objects.update_or_create(member=member, kind=kind, defaults={"on_site": on_site, "email": email})
    # Rows held back for a digest follow the new choice at the next run.
    Notification.objects.filter(
        recipient=member, kind__in=list(choices), emailed_at__isnull=True, email_not_before__isnull=False
    ).update(email_not_before=None)


@transaction.atomic
def unsubscribe(*, member, kind: str | None):
    """Turn email off for one kind, or for every kind when kind is None."""
    kinds = [kind] if kind else list(Kind.values)
    for k in kinds:
        on_site = preferences_for([member.pk], k)[member.pk][0]
        Preference.objects.update_or_create(
            member=member, kind=k, defaults={"on_site": on_site, "email": Preference.Email.OFF}
        )
