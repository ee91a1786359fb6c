"""The read side of the queue: the `deliver_webhooks` worker sends what is due.

A round takes the due deliveries in short transactions (on PostgreSQL, rows another worker
holds are skipped: SELECT ... FOR UPDATE SKIP LOCKED), leases them for the time their attempts may
take, and posts each one outside any transaction, so that a slow endpoint holds no lock and
never slows posting (SQLite has one writer at a time). A worker that dies mid-attempt leaves
its deliveries due again when their lease ends.

Order: a delivery about a thread is not sent to a webhook while an earlier one about the same
thread is still pending for it (waiting for a retry included); one that failed for good no
longer holds the others back.

Access, at delivery: a webhook that is not staff-level is sent only what a visitor may read now
(a thread moved to a staff-only category or hidden, or a post hidden or deleted, after it was
queued is withheld), and never reports or response-target breaches.
"""

import logging
import random
import time
from datetime import timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from forum.models import Post, Thread, Visibility
from forum.permissions import can_read
from integrations import signing
from integrations.models import STAFF_EVENTS, Delivery, Event
from integrations.receivers import VISITOR

log = logging.getLogger(__name__)

# The events whose payload quotes a post (an excerpt of it): withheld once it is not visible.
POST_EVENTS = {Event.THREAD_POSTED, Event.REPLY_POSTED, Event.OFFICIAL_RESPONSE, Event.ANSWER_ACCEPTED}

BATCH = 50
# Seconds a claimed batch is held beyond its requests' own time-outs before it is due again.
LEASE_MARGIN = 60
# The longest wait between two attempts.
MAX_DELAY = timedelta(hours=6)
EXCERPT_BYTES = 2000
USER_AGENT = "Agora-Webhooks/1"


def retry_delay(attempts: int, *, rng=random) -> timedelta:
    """The wait after the `attempts`-th failed attempt: WEBHOOK_RETRY_SECONDS, doubled at each
    attempt, at most MAX_DELAY, of which a random part (the upper half) keeps the retries of
    many deliveries failing together from all coming back at the same moment."""
    full = min(settings.WEBHOOK_RETRY_SECONDS * 2 ** (attempts - 1), MAX_DELAY.total_seconds())
    return timedelta(seconds=full / 2 + rng.uniform(0, full / 2))


def deliver_due(*, now=None, limit: int = 1000) -> int:
    """Send the due deliveries, BATCH at a time, at most `limit` (a loop's next round takes the
    rest). `now`: the time it is (tests move it). Returns how many were sent or withheld."""
    done = 0
    with requests.Session() as session:
        while done < limit:
            batch = claim_due(now=now or timezone.now(), size=min(BATCH, limit - done))
            if not batch:
                break
            withheld = withheld_among(batch)
            for delivery in batch:
                if delivery.pk in withheld:
                    _record(delivery, error=withheld[delivery.pk], withheld=True, now=now)
                else:
                    attempt(delivery, session=session, now=now)
            done += len(batch)
    return done


def claim_due(*, now, size: int) -> list[Delivery]:
    """The due deliveries first in their thread's order, leased to this worker."""
    earlier = Delivery.objects.filter(
        webhook=OuterRef("webhook"), thread=OuterRef("thread"), status=Delivery.Status.PENDING, pk__lt=OuterRef("pk")
    )
    with transaction.atomic():
        due = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            # A paused webhook's deliveries wait for it; a ping is sent anyway (its admin asked).
            .filter(Q(webhook__is_active=True) | Q(event=Event.PING))
            .exclude(Exists(earlier))
            .select_related("webhook")
            .order_by("pk")[:size]
        )
        # Long enough for every one of them to time out in turn: none is taken twice.
        lease = now + timedelta(milliseconds=settings.WEBHOOK_TIMEOUT_MS * len(due), seconds=LEASE_MARGIN)
        Delivery.objects.filter(pk__in=[delivery.pk for delivery in due]).update(next_attempt_at=lease)
    return due


def withheld_among(deliveries) -> dict[int, str]:
    """Why each delivery that its webhook may no longer be sent is withheld, by id (two queries)."""
    public_only = [d for d in deliveries if not d.webhook.staff_level and d.event != Event.PING]
    readable = _public_threads({d.thread_id for d in public_only if d.thread_id})
    visible = _visible_posts({d.post_id for d in public_only if d.post_id})
    reasons = {}
    for delivery in public_only:
        if delivery.event in STAFF_EVENTS:
            reasons[delivery.pk] = "Withheld: this event is for staff-level webhooks only."
        elif delivery.event != Event.MEMBER_JOINED and delivery.thread_id not in readable:
            reasons[delivery.pk] = "Withheld: the thread is no longer public (staff-level webhooks only)."
        elif delivery.event in POST_EVENTS and delivery.post_id not in visible:
            reasons[delivery.pk] = "Withheld: the post was hidden or deleted (staff-level webhooks only)."
    return reasons


def _visible_posts(ids) -> set[int]:
    if not ids:
        return set()
    return set(Post.objects.filter(pk__in=ids, visibility=Visibility.VISIBLE).values_list("pk", flat=True))


def _public_threads(ids) -> set[int]:
    if not ids:
        return set()
    rows = Thread.objects.filter(pk__in=ids).values_list("pk", "category__access", "visibility", "author_id")
    return {
        pk
        for pk, access, visibility, author_id in rows
        if can_read(VISITOR, access=access, visibility=visibility, author_id=author_id)
    }


def attempt(delivery: Delivery, *, session: requests.Session, now=None):
    """Post one delivery and record what came of it."""
    webhook, body = delivery.webhook, delivery.payload.encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Agora-Event": delivery.event,
        "Agora-Delivery": str(delivery.pk),
        signing.SIGNATURE_HEADER: signing.signature_header(webhook.secret, timestamp, body),
    }
    timeout = settings.WEBHOOK_TIMEOUT_MS / 1000
    started = time.monotonic()
    code, excerpt, error = None, "", ""
    try:
        with session.post(
            webhook.url, data=body, headers=headers, timeout=timeout, allow_redirects=False, stream=True
        ) as response:
            code, excerpt = response.status_code, _excerpt(response)
        if not 200 <= code < 300:
            error = f"HTTP {code}"
    except requests.Timeout:
        error = f"No answer within {settings.WEBHOOK_TIMEOUT_MS} ms."
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
    duration = round((time.monotonic() - started) * 1000)
    _record(delivery, now=now, error=error, last_status_code=code, duration_ms=duration, response_excerpt=excerpt)
    if error:
        log.info("Webhook %s: delivery %s failed (attempt %s)", webhook.pk, delivery.pk, delivery.attempts + 1)


def _excerpt(response) -> str:
    """The start of the answer: a large or endless body is not read further."""
    start = next(response.iter_content(EXCERPT_BYTES), b"")
    return start.decode(response.encoding or "utf-8", errors="replace")[:500]


def _record(delivery, *, now=None, error="", withheld=False, **attempted):
    """What came of a delivery: sent, to be retried after its wait, or failed for good (the last
    attempt, or `withheld`: not attempted at all). `attempted`: the attempt's code, duration and
    the start of the answer."""
    now = now or timezone.now()
    attempts = delivery.attempts + (0 if withheld else 1)
    if not error:
        status, next_at = Delivery.Status.SUCCEEDED, now
    elif withheld or attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        status, next_at = Delivery.Status.FAILED, now
    else:
        status, next_at = Delivery.Status.PENDING, now + retry_delay(attempts)
    changes = {"status": status, "attempts": attempts, "next_attempt_at": next_at, "error": error}
    if not withheld:
        changes.update(last_attempt_at=now, **attempted)
    Delivery.objects.filter(pk=delivery.pk).update(**changes)


def remove_old_deliveries(now=None) -> int:
    """Finished deliveries older than WEBHOOK_LOG_DAYS leave the log."""
    before = (now or timezone.now()) - timedelta(days=settings.WEBHOOK_LOG_DAYS)
    finished = Delivery.objects.exclude(status=Delivery.Status.PENDING).filter(created_at__lt=before)
    return finished.delete()[0]
