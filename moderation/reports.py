"""Filing reports, and hiding a post automatically once enough members report it."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import permissions as forum_permissions
from forum.models import Visibility
from forum.services import set_post_visibility
from moderation import audit, events
from moderation.models import Action, Report
from profiles import roles
from profiles.models import Member


def target_of(*, post=None, thread=None, member=None) -> str:
    if post is not None:
        return f"post:{post.pk}"
    if thread is not None:
        return f"thread:{thread.pk}"
    return f"member:{member.pk}"


def _check_can_report(reporter, *, post, thread, member):
    if not roles.is_member(reporter):
        raise PermissionDenied(_("Log in to report."))
    if reporter.is_suspended:
        raise PermissionDenied(_("Your account is suspended; you cannot report."))
    author = post.author_id if post else thread.author_id if thread else member.pk
    if author == reporter.pk:
        raise PermissionDenied(_("You cannot report your own content."))
    readable = post.thread if post else thread
    if readable is not None:
        forum_permissions.check_can_read_thread(reporter, readable)


def _check_daily_limit(reporter):
    since = timezone.now() - timedelta(days=1)
    if Report.objects.filter(reporter=reporter, created_at__gte=since).count() >= settings.REPORTS_PER_DAY:
        raise PermissionDenied(
            _("You have sent %(count)d reports today, the most a day. Thank you; please try again tomorrow.")
            % {"count": settings.REPORTS_PER_DAY}
        )


def file_report(*, reporter, reason: str, text: str = "", post=None, thread=None, member=None) -> Report:
    """One open report per reporter and target; the threshold hides a post until a moderator decides."""
    if reason not in Report.Reason.values:
        raise ValidationError(_("Choose a reason."), code="reason")
    text = (text or "").strip()
    if reason == Report.Reason.OTHER and not text:
        raise ValidationError(_("Tell the moderators what is wrong."), code="text")
    if "\x00" in text or len(text) > 1000:
        raise ValidationError(_("The details must be plain text of at most 1,000 characters."), code="text")
    _check_can_report(reporter, post=post, thread=thread, member=member)
    with transaction.atomic():
        # One reporter's reports are filed one at a time, so that two at once cannot both
        # see the day's last free place (PostgreSQL reads committed rows, not pending ones).
        list(Member.objects.select_for_update().filter(pk=reporter.pk).values_list("pk", flat=True))
        _check_daily_limit(reporter)
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    reporter=reporter,
                    target=target_of(post=post, thread=thread, member=member),
                    post=post,
                    thread=thread or (post.thread if post else None),
                    member=member or (post.author if post else thread.author if thread else None),
                    reason=reason,
                    text=text,
                )
        except IntegrityError:
            raise ValidationError(
                _("You have already reported this; the moderators will look at it."), code="duplicate"
            ) from None
        hidden = post is not None and _auto_hide_if_reported_enough(post)
        events.report_filed.send(sender=Report, report=report, auto_hidden=hidden)
        events.queue_changed.send(sender=Report)
    return report


def _auto_hide_if_reported_enough(post) -> bool:
    reporters = (
        Report.objects.filter(target=f"post:{post.pk}", status=Report.Status.OPEN).values("reporter").distinct().count()
    )
    if reporters < settings.AUTO_HIDE_REPORTS or post.visibility != Visibility.VISIBLE:
        return False
    if roles.is_brand_staff(post.author) or roles.is_moderator(post.author):
        return False  # staff and moderators' posts wait for a moderator, never hidden by a crowd
    reason = _("Hidden automatically after reports, until a moderator decides.")
    set_post_visibility(post=post, by=None, visibility=Visibility.HIDDEN, reason=reason)
    audit.record(actor=None, kind=Action.Kind.AUTO_HIDE, post=post, reason=reason)
    return True
