"""Webhooks and their deliveries' log in the Django admin, for administrators only.

A webhook sends the forum's events wherever its URL says, so only administrators see, add,
change or delete them (integrations.services.check_can_manage_webhooks), and the deliveries'
log with them: it holds payloads. Every change goes through integrations.services, which
clears the cache of active webhooks that posting reads.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from integrations import services
from integrations.models import SUBSCRIBABLE, Delivery, Webhook
from profiles import roles
from web.admin import ReadOnlyAdmin


class AdministratorsOnly:
    """The admin's permissions, granted to administrators alone (a 403 for other staff)."""

    def has_module_permission(self, request):
        return roles.is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return roles.is_admin(request.user)

    def tell(self, request, message: str, count: int):
        self.message_user(request, message % {"count": count}, messages.SUCCESS)


class WebhookForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"), max_length=500, assume_scheme="https", help_text=Webhook._meta.get_field("url").help_text
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=SUBSCRIBABLE, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Webhook
        fields = ("name", "url", "events", "is_active", "staff_level")


@admin.register(Webhook)
class WebhookAdmin(AdministratorsOnly, admin.ModelAdmin):
    form = WebhookForm
    list_display = ("name", "url", "is_active", "staff_level", "pending", "failed", "deliveries_link")
    list_filter = ("is_active", "staff_level")
    search_fields = ("name", "url")
    readonly_fields = ("secret", "created_by", "created_at", "deliveries_link")
    actions = ["send_test_ping"]

    def get_fields(self, request, obj=None):
        fields = ["name", "url", "events", "is_active", "staff_level"]
        return fields if obj is None else [*fields, "secret", "created_by", "created_at", "deliveries_link"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("created_by")
            .annotate(
                pending_count=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.PENDING)),
                failed_count=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
            )
        )

    def has_add_permission(self, request):
        return roles.is_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return roles.is_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return roles.is_admin(request.user)

    @admin.display(description=_("pending"))
    def pending(self, webhook):
        return webhook.pending_count

    @admin.display(description=_("failed"))
    def failed(self, webhook):
        return webhook.failed_count

    @admin.display(description=_("deliveries"))
    def deliveries_link(self, webhook):
        url = reverse("admin:integrations_delivery_changelist") + f"?webhook__id__exact={webhook.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Deliveries' log"))

    def save_model(self, request, obj, form, change):
        services.save_webhook(webhook=obj, by=request.user)
        if not change:
            messages.info(
                request, _("The webhook's secret is shown on its page: the receiver checks signatures with it.")
            )

    def get_deleted_objects(self, objs, request):
        """A webhook's deliveries go with it (integrations.services.delete_webhooks), though the
        log is read-only on its own."""
        deleted, counts, needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, needed - {str(Delivery._meta.verbose_name)}, protected

    def delete_model(self, request, obj):
        services.delete_webhooks(webhooks=[obj], by=request.user)

    def delete_queryset(self, request, queryset):
        services.delete_webhooks(webhooks=list(queryset), by=request.user)

    @admin.action(description=_("Send a test ping"))
    def send_test_ping(self, request, queryset):
        count = services.send_test_ping(webhooks=list(queryset), by=request.user)
        message = ngettext(
            "A ping is queued for %(count)d webhook: the worker sends it within seconds; see the deliveries' log.",
            "A ping is queued for %(count)d webhooks: the worker sends them within seconds; see the deliveries' log.",
            count,
        )
        self.tell(request, message, count)


@admin.register(Delivery)
class DeliveryAdmin(AdministratorsOnly, ReadOnlyAdmin):
    list_display = (
        "pk",
        "created_at",
        "webhook",
        "event",
        "status",
        "attempts",
        "last_status_code",
        "duration_ms",
        "next_attempt_at",
    )
    list_filter = ("status", "event", "webhook")
    list_select_related = ("webhook",)
    date_hierarchy = "created_at"
    ordering = ("-pk",)
    fields = (
        "webhook",
        "event",
        "status",
        "attempts",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "last_status_code",
        "duration_ms",
        "response_excerpt",
        "error",
        "thread",
        "payload",
    )
    readonly_fields = fields
    actions = ["redeliver"]

    @admin.action(description=_("Redeliver"))
    def redeliver(self, request, queryset):
        count = services.redeliver(deliveries=list(queryset), by=request.user)
        message = ngettext(
            "%(count)d delivery is queued again, as a new one in the log.",
            "%(count)d deliveries are queued again, as new ones in the log.",
            count,
        )
        self.tell(request, message, count)
