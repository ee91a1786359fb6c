"""Every change to webhooks, by admins (integrations/admin.py calls these)."""

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from integrations import payloads
from integrations.models import Delivery, Event, Webhook
from integrations.queue import forget_active_webhooks
from profiles import roles


def check_can_manage_webhooks(member):
    """Webhooks send the forum's events, staff-only ones included, wherever their URL says:
    administrators only."""
    if not roles.is_admin(member):
        raise PermissionDenied(_("Only administrators can manage webhooks."))


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def save_webhook(*, webhook: Webhook, by) -> Webhook:
    """Create or change a webhook (a new one gets its secret); checked as the admin's form is."""
    check_can_manage_webhooks(by)
    with transaction.atomic():
        if webhook.pk is None:
            webhook.secret, webhook.created_by = new_secret(), by
        webhook.full_clean()
        webhook.save()
        forget_active_webhooks()
    return webhook


def delete_webhooks(*, webhooks, by) -> int:
    """Delete webhooks, and their deliveries with them. Returns how many webhooks."""
    check_can_manage_webhooks(by)
    with transaction.atomic():
        _total, per_model = Webhook.objects.filter(pk__in=[webhook.pk for webhook in webhooks]).delete()
        forget_active_webhooks()
    return per_model.get(Webhook._meta.label, 0)


def send_test_ping(*, webhooks, by) -> int:
    """Queue a ping for each webhook, active or not: the worker sends it within seconds, and its
    outcome shows in the deliveries' log."""
    check_can_manage_webhooks(by)
    pings = [
        Delivery(webhook=webhook, event=Event.PING, payload=payloads.envelope(Event.PING, payloads.ping(webhook)))
        for webhook in webhooks
    ]
    return len(Delivery.objects.bulk_create(pings))


def redeliver(*, deliveries, by) -> int:
    """Queue each delivery again, as a new one with the same body (the same event id, so that a
    receiver can tell it already has it); the old one stays in the log as it was."""
    check_can_manage_webhooks(by)
    now = timezone.now()
    copies = [
        Delivery(
            webhook_id=old.webhook_id,
            event=old.event,
            payload=old.payload,
            thread_id=old.thread_id,
            post_id=old.post_id,
            created_at=now,
            next_attempt_at=now,
        )
        for old in deliveries
    ]
    return len(Delivery.objects.bulk_create(copies))
