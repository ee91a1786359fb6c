from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _

from profiles import events
from profiles.models import Member


@admin.register(Member)
class MemberAdmin(UserAdmin):
    list_display = (
        "username",
        "email",
        "display_name",
        "is_brand_staff",
        "staff_title",
        "is_moderator",
        "is_superuser",
        "reputation",
        "date_joined",
    )
    list_filter = ("is_brand_staff", "is_moderator", "is_superuser", "is_active")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    search_fields = ("username", "email", "display_name")
    readonly_fields = (
        "reputation",
        "gold_badges",
        "silver_badges",
        "bronze_badges",
        "last_seen",
        "last_login",
        "date_joined",
    )
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Community roles"), {"fields": ("is_brand_staff", "staff_title", "is_moderator")}),
        (_("Profile"), {"fields": ("display_name", "bio", "location", "website", "avatar", "language")}),
        (_("Suspension"), {"fields": ("suspended_until", "suspension_reason")}),
        (_("Figures"), {"fields": ("reputation", "gold_badges", "silver_badges", "bronze_badges", "last_seen")}),
    )

    def log_change(self, request, obj, message):
        """Both the change form and the password form end here: roles, activity, suspension and
        password are what open sockets depend on, so they check again (profiles.events)."""
        entry = super().log_change(request, obj, message)
        events.access_changed.send(sender=Member, member=obj)
        return entry
