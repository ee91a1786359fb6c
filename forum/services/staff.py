"""The brand staff's share of the work: claiming, assigning, and response targets."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DurationField, ExpressionWrapper, F
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import events
from forum.models import Thread
from forum.selectors import awaiting_official_response
from profiles import roles
from profiles.models import Member


def _check_staff(member):
    if not roles.sees_staff_areas(member):
        raise PermissionDenied(_("Only staff, moderators and administrators can do this."))


def assign_thread(*, thread: Thread, by: Member, to: Member | None) -> Thread:
    """Give a thread to a staff member (to=by claims it; to=None releases it)."""
    _check_staff(by)
    if to is not None and not roles.is_brand_staff(to):
        raise ValidationError(_("Threads can only be assigned to brand staff."), code="assignee")
    with transaction.atomic():
        # Lock the thread row only: PostgreSQL refuses FOR UPDATE on the nullable side of the assignee join.
        locked = Thread.objects.select_for_update(of=("self",))
        thread = locked.select_related("assignee", "category").get(pk=thread.pk)
        previous = thread.assignee
        if (previous and previous.pk) == (to and to.pk):
            return thread
        thread.assignee, thread.assigned_at = to, timezone.now() if to else None
        thread.save(update_fields=["assignee", "assigned_at"])
        events.thread_assigned.send(sender=Thread, thread=thread, by=by, assignee=to, previous=previous)
    return thread


def set_no_response_needed(*, thread: Thread, by: Member, reason: str) -> Thread:
    """Take a question out of the queue, with a reason (or put it back with an empty reason)."""
    _check_staff(by)
    reason = " ".join((reason or "").split())[:300]
    with transaction.atomic():
        thread = Thread.objects.select_for_update().get(pk=thread.pk)
        thread.no_response_needed = reason
        thread.save(update_fields=["no_response_needed"])
        events.thread_changed.send(
            sender=Thread, thread=thread, by=by, change="no_response_needed" if reason else "awaiting", before={}
        )
    return thread


def breached_threads(now=None):
    """Waiting questions past their category's target, not yet announced."""
    now = now or timezone.now()
    age = ExpressionWrapper(now - F("created_at"), output_field=DurationField())
    threads = (
        awaiting_official_response()
        .filter(category__response_target_hours__isnull=False, target_breach_notified_at__isnull=True)
        .select_related("category", "assignee")
        .annotate(age=age)
    )
    return [t for t in threads if t.age > timedelta(hours=t.category.response_target_hours)]


def notify_target_breaches(now=None) -> int:
    """Tell the assignee (or every staff member when unassigned) once per thread. Returns how many threads."""
    now = now or timezone.now()

    def send(thread, recipients):
        events.response_target_breached.send(sender=Thread, thread=thread, recipients=recipients)

    return announce_breaches(breached_threads(now), now=now, send=send)


def announce_breaches(items, *, now, send) -> int:
    """Tell each item past its response target (a thread, a conversation: a row with an assignee
    and target_breach_notified_at) to its assignee, or to every brand staff member when it has
    none, once: an item another run took first is left. `send(item, recipients)` sends its event.
    Returns how many were told."""
    staff, count = None, 0
    for item in items:
        with transaction.atomic():
            taken = type(item).objects.filter(pk=item.pk, target_breach_notified_at__isnull=True)
            if not taken.update(target_breach_notified_at=now):
                continue  # another run took it
            if item.assignee is None and staff is None:
                staff = list(Member.objects.filter(roles.brand_staff_q(), is_active=True))
            send(item, [item.assignee] if item.assignee is not None else staff)
            count += 1
    return count
