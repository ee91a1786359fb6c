"""Writing notifications and marking them read.

notify() runs inside the transaction of the event that caused it, so the
rows commit with the reply, vote or badge; the push to open sockets is
queued for after the commit (web/push.py).
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone, translation

from forum.models import Follow
from forum.permissions import can_read_thread, readable_or_no_thread_q, same_reader
from notifications import access, messages
from notifications.models import Kind, Notification, Preference
from web import push

# Unread notifications of these kinds on one thread collapse into one row.
COLLAPSING = {Kind.REPLY, Kind.FOLLOWED_REPLY, Kind.HELPFUL, Kind.NEW_REPORT, Kind.OFFICIAL_RESPONSE}

DEFAULT_EMAIL = {
    Kind.REPLY: Preference.Email.IMMEDIATE,
    Kind.MENTION: Preference.Email.IMMEDIATE,
    Kind.ANSWER_ACCEPTED: Preference.Email.IMMEDIATE,
    Kind.SUSPENDED: Preference.Email.IMMEDIATE,
    Kind.OFFICIAL_RESPONSE: Preference.Email.IMMEDIATE,
}


def preferences_for(member_ids, kind) -> dict[int, tuple[bool, str]]:
    """(on_site, email) per member for one kind, defaults filled in."""
    default = (True, DEFAULT_EMAIL.get(kind, Preference.Email.OFF))
    found = {
        pk: (on_site, email)
        for pk, on_site, email in Preference.objects.filter(member__in=member_ids, kind=kind).values_list(
            "member", "on_site", "email"
        )
    }
    return {pk: found.get(pk, default) for pk in member_ids}


def _eligible(recipients: Iterable, *, actor, thread) -> list:
    members = {}
    for member in recipients:
        if member is None or not member.is_active or (actor is not None and member.pk == actor.pk):
            continue
        if thread is not None and not can_read_thread(member, thread):
            continue
        members[member.pk] = member
    if thread is not None and members:
        muted = Follow.objects.filter(thread=thread, member__in=members, level=Follow.Level.MUTED)
        for pk in muted.values_list("member", flat=True):
            members.pop(pk, None)
    return list(members.values())


def notify(*, recipients: Iterable, kind: str, actor=None, thread=None, post=None, data=None, url="") -> list:
    """Notify each recipient once, unless it is the actor, cannot read the thread, or muted it.

    The caller holds the transaction. Returns the notifications written or collapsed into.
    """
    members = _eligible(recipients, actor=actor, thread=thread)
    if not members:
        return []
    prefs = preferences_for([m.pk for m in members], kind)
    members = [m for m in members if prefs[m.pk][0] or prefs[m.pk][1] != Preference.Email.OFF]
    now, touched = timezone.now(), []
    existing = {}
    if kind in COLLAPSING and thread is not None:
        unread = Notification.objects.filter(
            recipient__in=[m.pk for m in members], kind=kind, thread=thread, read_at__isnull=True
        )
        # Only into a row shown as the member now wants it: after turning a kind off on the
        # site, new events must not keep bumping (and pushing) an unread visible row.
        rows = unread.select_for_update()
        existing = {n.recipient_id: n for n in rows if n.shown_on_site == prefs[n.recipient_id][0]}
    if existing:
        Notification.objects.filter(pk__in=[n.pk for n in existing.values()]).update(
            count=F("count") + 1, actor=actor, updated_at=now, emailed_at=None
        )
        for n in existing.values():
            n.count, n.actor, n.updated_at = n.count + 1, actor, now
            touched.append(n)
    new = [
        Notification(
            recipient=m,
            kind=kind,
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
    touched += Notification.objects.bulk_create(new)
    _push_on_commit([n for n in touched if n.shown_on_site], {m.pk: m for m in members})
    return touched


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
    _push_on_commit([n for n in rows if n.shown_on_site], members)
    return rows


def _push_on_commit(notifications, members):
    if not notifications:
        return

    def build():
        committed = timezone.now().isoformat()  # this runs right after the commit
        ids = [n.pk for n in notifications]
        counts = unread_counts(members.values())
        rows = list(Notification.objects.filter(pk__in=ids).select_related("actor", "thread"))
        audiences = access.of_threads([n.thread_id for n in rows if n.thread_id])
        pushes = []
        for n in rows:
            if n.thread_id and n.thread_id not in audiences:
                continue  # the thread is gone since
            member = members.get(n.recipient_id)
            with translation.override(member.language if member and member.language else None):
                message = as_message(n, counts.get(n.recipient_id, 0))
            message["committed"] = committed
            pushes.append(push.relay(push.member_group(n.recipient_id), message, audiences.get(n.thread_id)))
        return pushes

    push.on_commit(build)


def as_message(n: Notification, unread: int) -> dict:
    return {
        "type": "notification",
        "id": n.pk,
        "kind": n.kind,
        "text": messages.text(n),
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


def unread_count(member) -> int:
    return Notification.objects.filter(visible_to(member), recipient=member, read_at__isnull=True).count()


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
