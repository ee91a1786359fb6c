"""What moderators do, one function per action: check, change (through forum services), record, tell.

Every action writes an audit row in the same transaction, and resolves the
open reports on its target so that reporters hear the outcome.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import services as forum
from forum.models import Category, Post, Thread, Visibility
from moderation import audit, events
from moderation.models import Action, Report
from moderation.reports import target_of
from profiles import roles
from profiles.models import Member


def resolve_reports(target: str, by, outcome: str, *, dismissed=False):
    """Close the open reports on a target; the caller holds the transaction."""
    reports = list(Report.objects.select_for_update().filter(target=target, status=Report.Status.OPEN))
    if not reports:
        return []
    status = Report.Status.DISMISSED if dismissed else Report.Status.RESOLVED
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(
        status=status, resolved_at=timezone.now(), resolved_by=by, outcome=outcome
    )
    for report in reports:
        report.status, report.outcome = status, outcome
    events.reports_resolved.send(sender=Report, reports=reports, by=by, outcome=outcome)
    events.queue_changed.send(sender=Report)
    return reports


# Outcomes that a restore undoes: reporters told "hidden" or "removed" must not keep reading it.
UNDONE_BY_RESTORE = ("hidden", "deleted")


def revise_reports(target: str, by, outcome: str, *, undone: tuple[str, ...]):
    """Reports already resolved on a target whose outcome was undone take the new outcome, and
    their reporters are told again. The caller holds the transaction."""
    reports = list(
        Report.objects.select_for_update().filter(target=target, status=Report.Status.RESOLVED, outcome__in=undone)
    )
    if not reports:
        return []
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(
        resolved_at=timezone.now(), resolved_by=by, outcome=outcome
    )
    for report in reports:
        report.outcome = outcome
    events.reports_resolved.send(sender=Report, reports=reports, by=by, outcome=outcome, revised=True)
    return reports


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if "\x00" in reason or len(reason) > 1000:
        raise ValidationError(_("The reason must be plain text of at most 1,000 characters."), code="reason")
    return reason


@transaction.atomic
def dismiss_reports(*, target: str, by, reason: str = ""):
    roles.check_is_moderator(by)
    reports = resolve_reports(target, by, "dismissed", dismissed=True)
    if reports:
        first = reports[0]
        audit.record(
            actor=by,
            kind=Action.Kind.DISMISS,
            post=first.post,
            thread=None if first.post else first.thread,
            member=first.member,
            reason=_clean_reason(reason),
            after={"reports": len(reports)},
        )
    return reports


def _visibility(post, by, visibility, kind, outcome, reason):
    reason = _clean_reason(reason)
    with transaction.atomic():
        old, new = forum.set_post_visibility(post=post, by=by, visibility=visibility, reason=reason)
        if old != new:
            audit.record(
                actor=by, kind=kind, post=post, reason=reason, before={"visibility": old}, after={"visibility": new}
            )
        targets = [target_of(post=post)]
        if post.is_opening:  # the opening post carries its thread: so do the thread's reports
            targets.append(target_of(thread=post.thread))
        for target in targets:
            if new == Visibility.VISIBLE and old != new:
                revise_reports(target, by, outcome, undone=UNDONE_BY_RESTORE)
            resolve_reports(target, by, outcome)
    return post


def hide_post(*, post, by, reason: str = ""):
    """The author and moderators still see it, marked; everyone else sees that it was hidden."""
    return _visibility(post, by, Visibility.HIDDEN, Action.Kind.HIDE, "hidden", reason)


def restore_post(*, post, by, reason: str = ""):
    with transaction.atomic():
        # Checked on the locked row, not on the caller's copy, which may predate a delete.
        current = Post.objects.select_for_update().values_list("visibility", flat=True).get(pk=post.pk)
        if current == Visibility.DELETED and not roles.is_admin(by):
            raise PermissionDenied(_("Only administrators can restore deleted posts."))
        kind = Action.Kind.UNDELETE if current == Visibility.DELETED else Action.Kind.RESTORE
        return _visibility(post, by, Visibility.VISIBLE, kind, "restored", reason)


def delete_post(*, post, by, reason: str = ""):
    """A soft delete: administrators can restore it."""
    return _visibility(post, by, Visibility.DELETED, Action.Kind.DELETE, "deleted", reason)


THREAD_CHANGES = {
    "lock": (forum.lock_thread, {"locked": True}, Action.Kind.LOCK, "is_locked"),
    "unlock": (forum.lock_thread, {"locked": False}, Action.Kind.UNLOCK, "is_locked"),
    "pin": (forum.pin_thread, {"pinned": True}, Action.Kind.PIN, "is_pinned"),
    "unpin": (forum.pin_thread, {"pinned": False}, Action.Kind.UNPIN, "is_pinned"),
}


@transaction.atomic
def change_thread(*, thread, by, change: str, reason: str = ""):
    """Lock, unlock, pin or unpin a thread."""
    roles.check_is_moderator(by)
    service, arguments, kind, field = THREAD_CHANGES[change]
    before = _locked_thread_value(thread, field)
    thread = service(thread=thread, by=by, **arguments)
    if getattr(thread, field) != before:
        audit.record(
            actor=by,
            kind=kind,
            thread=thread,
            reason=_clean_reason(reason),
            before={field: before},
            after={field: getattr(thread, field)},
        )
    if change == "lock":
        resolve_reports(target_of(thread=thread), by, "locked")
    return thread


def _locked_thread_value(thread, field):
    """The thread's current value under a row lock: the caller's copy may be stale. Needs a transaction."""
    return Thread.objects.select_for_update().values_list(field, flat=True).get(pk=thread.pk)


@transaction.atomic
def move_thread(*, thread, by, category, reason: str = ""):
    roles.check_is_moderator(by)
    old = Category.objects.get(pk=_locked_thread_value(thread, "category"))
    thread = forum.move_thread(thread=thread, by=by, category=category)
    if old.pk != category.pk:
        audit.record(
            actor=by,
            kind=Action.Kind.MOVE,
            thread=thread,
            reason=_clean_reason(reason),
            before={"category": old.slug},
            after={"category": category.slug},
        )
        resolve_reports(target_of(thread=thread), by, "moved")
    return thread


def _check_can_act_on(by, member):
    roles.check_is_moderator(by)
    if member.pk == by.pk:
        raise PermissionDenied(_("You cannot do this to your own account."))
    if roles.is_admin(member) and not roles.is_admin(by):
        raise PermissionDenied(_("Only administrators can act on an administrator."))


@transaction.atomic
def warn_member(*, member, by, reason: str):
    _check_can_act_on(by, member)
    reason = _clean_reason(reason)
    if not reason:
        raise ValidationError(_("Say why: the member will read it."), code="reason")
    audit.record(actor=by, kind=Action.Kind.WARN, member=member, reason=reason)
    events.member_warned.send(sender=Member, member=member, by=by, reason=reason)
    resolve_reports(target_of(member=member), by, "warned")


@transaction.atomic
def suspend_member(*, member, by, until: datetime, reason: str):
    """They can read but cannot post, reply, edit, vote or report, and are told why and until when."""
    _check_can_act_on(by, member)
    reason = _clean_reason(reason)
    if not reason:
        raise ValidationError(_("Say why: the member will read it."), code="reason")
    if until <= timezone.now():
        raise ValidationError(_("A suspension must end in the future."), code="until")
    member = Member.objects.select_for_update().get(pk=member.pk)
    before = {"suspended_until": member.suspended_until.isoformat() if member.suspended_until else None}
    member.suspended_until, member.suspension_reason = until, reason
    member.save(update_fields=["suspended_until", "suspension_reason"])
    audit.record(
        actor=by,
        kind=Action.Kind.SUSPEND,
        member=member,
        reason=reason,
        before=before,
        after={"suspended_until": until.isoformat()},
    )
    events.member_suspended.send(sender=Member, member=member, by=by, until=until, reason=reason)
    resolve_reports(target_of(member=member), by, "suspended")
    return member


@transaction.atomic
def lift_suspension(*, member, by, reason: str = ""):
    _check_can_act_on(by, member)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.suspended_until is None:
        return member
    before = {"suspended_until": member.suspended_until.isoformat()}
    member.suspended_until, member.suspension_reason = None, ""
    member.save(update_fields=["suspended_until", "suspension_reason"])
    audit.record(
        actor=by,
        kind=Action.Kind.UNSUSPEND,
        member=member,
        reason=_clean_reason(reason),
        before=before,
        after={"suspended_until": None},
    )
    events.suspension_lifted.send(sender=Member, member=member, by=by)
    return member
