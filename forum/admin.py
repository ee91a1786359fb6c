"""The admin shows threads and posts; it does not change them.

Every change to content goes through forum.services, which keeps the counters,
the search index, reputation, notifications and the moderation audit log in
step. A save in the admin would skip all of them, so threads and posts are
read-only here: moderators hide, restore, lock, pin, move and accept on the
site. Categories (names, order, access) are edited here.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from forum.models import Category, Post, PostRevision, Thread
from web.admin import ReadOnlyAdmin


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "name_fr", "slug", "kind", "access", "position", "thread_count", "post_count")
    list_editable = ("position",)
    list_filter = ("kind", "access")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "name_fr", "slug")
    fieldsets = (
        (None, {"fields": ("slug", "kind", "access", "colour", "position", "response_target_hours")}),
        (
            _("Inviting answerers (question categories)"),
            {"fields": ("invite_after_minutes", "widen_after_minutes")},
        ),
        (_("Default language"), {"fields": ("name", "description")}),
        (_("French"), {"fields": ("name_fr", "description_fr"), "description": _("Empty: the default is shown.")}),
    )


@admin.register(Thread)
class ThreadAdmin(ReadOnlyAdmin):
    list_display = (
        "title",
        "category",
        "author",
        "created_at",
        "reply_count",
        "score",
        "is_pinned",
        "is_locked",
        "visibility",
    )
    list_filter = ("category", "is_pinned", "is_locked", "visibility", "has_official_response")
    search_fields = ("title",)
    list_select_related = ("category", "author")


class RevisionInline(admin.TabularInline):
    model = PostRevision
    extra = 0
    can_delete = False
    readonly_fields = ("editor", "created_at", "old_title", "new_title", "old_body", "new_body")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ("pk", "thread", "author", "created_at", "score", "is_official", "visibility")
    list_filter = ("is_official", "visibility", "is_opening")
    list_select_related = ("thread", "author")
    inlines = [RevisionInline]
