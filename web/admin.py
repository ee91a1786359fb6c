"""Shared pieces for the apps' Django admin pages."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable by staff with the view permission; never added, changed or deleted in the admin.

    For records that only the apps' services may write: they keep counters, the search
    index, reputation, notifications and the audit log in step, and a save in the admin
    would skip them.
    """

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
