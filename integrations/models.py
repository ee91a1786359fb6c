"""Webhooks and their deliveries.

A `Webhook` is an endpoint an admin chose, with the events it is sent and a secret that signs
them. A `Delivery` is both the queue and the log: written pending in the transaction of the
event that made it (integrations/queue.py), sent after the commit by the `deliver_webhooks`
worker (integrations/delivery.py), which records each attempt's outcome on the row.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    THREAD_POSTED = "thread.posted", _("Thread posted")
    REPLY_POSTED = "reply.posted", _("Reply posted")
    ANSWER_ACCEPTED = "answer.accepted", _("Answer accepted")
    OFFICIAL_RESPONSE = "official_response.posted", _("Official response posted")
    REPORT_FILED = "report.filed", _("Report filed (staff-level webhooks only)")
    TARGET_BREACHED = "response_target.breached", _("Response target breached (staff-level webhooks only)")
    IDEA_STATUS_CHANGED = "idea.status_changed", _("Idea status changed")
    MEMBER_JOINED = "member.joined", _("Member joined")
    PING = "ping", _("Test ping")


# What a webhook may subscribe to: every event but the ping, which an admin sends by hand.
SUBSCRIBABLE = [(value, label) for value, label in Event.choices if value != Event.PING]
# Events about what only staff see on the site (the moderation queue, the staff queue): sent to
# staff-level webhooks only, whatever their content's category.
STAFF_EVENTS = frozenset({Event.REPORT_FILED, Event.TARGET_BREACHED})

# Its own code: a form shows this message rather than its own for "invalid".
http_url = URLValidator(schemes=["http", "https"], message=_("Enter an http:// or https:// address."), code="scheme")


class Webhook(models.Model):
    name = models.CharField(_("name"), max_length=80)
    url = models.URLField(
        _("URL"),
        max_length=500,
        validators=[http_url],
        help_text=_("An http:// or https:// address, chosen by an admin: the forum posts each event there."),
    )
    # Signs every delivery (integrations/signing.py); made by integrations.services, never logged.
    secret = models.CharField(_("secret"), max_length=100, editable=False)
    events = models.JSONField(_("events"), default=list, blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Paused: events are still queued, and sent once it is active again.")
    )
    staff_level = models.BooleanField(
        _("staff level"),
        default=False,
        help_text=_(
            "Also receives content from staff-only categories, hidden content, reports and response-target "
            "breaches. Leave unticked for an endpoint that may only see what visitors see."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self):
        return self.name

    def clean(self):
        unknown = set(self.events or ()) - {value for value, _label in SUBSCRIBABLE}
        if unknown:
            raise ValidationError({"events": _("Unknown events: %(names)s.") % {"names": ", ".join(sorted(unknown))}})
        if not self.staff_level and STAFF_EVENTS & set(self.events or ()):
            raise ValidationError(
                {"events": _("Reports and response-target breaches are sent to staff-level webhooks only.")}
            )


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook"))
    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    # The JSON body exactly as sent (and signed): a redelivery sends the same bytes.
    payload = models.TextField(_("payload"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # The ordering key: a delivery about a thread is not sent to a webhook before an earlier
    # pending one about the same thread. Also what is checked at delivery (still public?).
    thread = models.ForeignKey(
        "forum.Thread", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("thread")
    )
    # The post it tells of, if any: a post hidden or deleted after it was queued is withheld from
    # webhooks that are not staff-level, as its thread is when no longer public.
    post = models.ForeignKey(
        "forum.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("post")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last status code"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    response_excerpt = models.CharField(_("response"), max_length=500, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            # The worker's question: what is due now.
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            # Is an earlier one of the same thread still pending for this webhook?
            models.Index(fields=["webhook", "thread", "status"], name="delivery_thread_order"),
        ]

    def __str__(self):
        return f"{self.event} #{self.pk}"
