"""Email for notifications still unread after a delay, and daily digests.

Run by `manage.py send_notification_emails` (cron, or --loop). Each
notification is emailed at most once (emailed_at); a collapsed notification
that gains new activity becomes due again.
"""

import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from forum.permissions import can_read_thread
from notifications import messages
from notifications.models import DigestRun, Notification, Preference
from notifications.services import DEFAULT_EMAIL
from notifications.unsubscribe import unsubscribe_url

log = logging.getLogger(__name__)
BATCH = 500


def _email_choice(prefs, member_id, kind):
    return prefs.get((member_id, kind), DEFAULT_EMAIL.get(kind, Preference.Email.OFF))


def due(now):
    """Unread, not yet emailed, older than the delay and not waiting for a digest: the queue
    (before each member's preferences settle which of them are emailed)."""
    delay = timedelta(minutes=settings.NOTIFICATION_EMAIL_DELAY_MINUTES)
    return Notification.objects.filter(
        read_at__isnull=True, emailed_at__isnull=True, updated_at__lte=now - delay
    ).filter(Q(email_not_before__isnull=True) | Q(email_not_before__lte=now))


def due_notifications(now):
    """What is due (see `due`), grouped by member and by choice."""
    rows = list(
        due(now).select_related("recipient", "actor", "thread__category").order_by("recipient", "updated_at")[:BATCH]
    )
    member_ids = {n.recipient_id for n in rows}
    prefs = {
        (p.member_id, p.kind): p.email
        for p in Preference.objects.filter(member__in=member_ids).only("member", "kind", "email")
    }
    immediate, daily, never = defaultdict(list), defaultdict(list), []
    for n in rows:
        choice = _email_choice(prefs, n.recipient_id, n.kind)
        if n.thread is not None and not can_read_thread(n.recipient, n.thread):
            never.append(n.pk)  # read through the member's access now: it may have changed since
        elif choice == Preference.Email.IMMEDIATE:
            immediate[n.recipient].append(n)
        elif choice == Preference.Email.DAILY:
            daily[n.recipient].append(n)
        else:
            never.append(n.pk)
    if never:
        # Settled, never to be emailed: left due, they would fill every batch and starve the others.
        Notification.objects.filter(pk__in=never).update(emailed_at=now)
    return immediate, daily


def send_due(now=None) -> int:
    """Send what is due; returns the number of emails sent."""
    now = now or timezone.now()
    immediate, daily = due_notifications(now)
    last_digest = dict(DigestRun.objects.filter(member__in=list(daily)).values_list("member", "sent_at"))
    sent = 0
    for member, items in immediate.items():
        sent += _send(member, items, digest=False, now=now)
    for member, items in daily.items():
        if last_digest.get(member.pk) and last_digest[member.pk] > now - timedelta(days=1):
            # Out of the batches until the next digest is due.
            next_digest = last_digest[member.pk] + timedelta(days=1)
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(email_not_before=next_digest)
            continue
        sent += _send(member, items, digest=True, now=now)
        DigestRun.objects.update_or_create(member=member, defaults={"sent_at": now})
    return sent


def _send(member, items, *, digest, now) -> int:
    if not member.is_active or not member.email:
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
        return 0
    base = settings.SITE_URL.rstrip("/")
    with translation.override(member.language or settings.LANGUAGE_CODE):
        entries = [{"text": messages.text(n), "url": base + f"/notifications/{n.pk}/open/"} for n in items]
        context = {
            "member": member,
            "entries": entries,
            "digest": digest,
            "site_name": settings.SITE_NAME,
            "preferences_url": base + "/notifications/preferences/",
            "unsubscribe_url": base + unsubscribe_url(member.pk, None),
        }
        subject = render_to_string("notifications/email/subject.txt", context).strip()
        body = render_to_string("notifications/email/body.txt", context)
        html = render_to_string("notifications/email/body.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[member.email],
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:  # an SMTP outage: leave them due, try again next run
        log.warning("could not email %s; will retry", member.pk, exc_info=True)
        return 0
    with transaction.atomic():
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
    return 1
