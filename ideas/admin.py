"""Ideas in the admin, to look at: votes and statuses change through the site (ideas/services.py),
which posts the note, keeps the history and tells everyone concerned."""

from django.contrib import admin

from ideas.models import Idea, StatusChange


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Idea)
class IdeaAdmin(ReadOnly):
    list_display = ("thread", "status", "votes", "status_changed_at")
    list_filter = ("status",)
    search_fields = ("thread__title",)


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnly):
    list_display = ("idea", "previous", "status", "by", "created_at")
    list_filter = ("status",)
