"""Reports and the audit log in the Django admin: to read, never to write.

The audit log is written only by the moderation services, in the action's own
transaction; reports are resolved on the site, where resolving tells the
reporters. So the admin offers neither add, change nor delete for either.
"""

from django.contrib import admin

from moderation.models import Action, Report
from web.admin import ReadOnlyAdmin


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "kind", "target", "member", "reason")
    list_filter = ("kind",)
    search_fields = ("actor__username", "member__username", "target", "reason")
    list_select_related = ("actor", "member")
    date_hierarchy = "created_at"


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "reporter", "target", "reason", "status", "resolved_by", "outcome")
    list_filter = ("status", "reason")
    search_fields = ("reporter__username", "target", "text")
    list_select_related = ("reporter", "resolved_by")
    date_hierarchy = "created_at"
