from django.contrib import admin

from forum.models import Category, Post, PostRevision, Thread


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "access", "position", "thread_count", "post_count")
    list_editable = ("position",)
    list_filter = ("kind", "access")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "slug")


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
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
    raw_id_fields = ("author", "last_poster", "accepted_answer")
    readonly_fields = ("reply_count", "score", "created_at", "last_activity_at")
    list_select_related = ("category", "author")


class RevisionInline(admin.TabularInline):
    model = PostRevision
    extra = 0
    can_delete = False
    readonly_fields = ("editor", "created_at", "old_title", "new_title", "old_body", "new_body")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("pk", "thread", "author", "created_at", "score", "is_official", "visibility")
    list_filter = ("is_official", "visibility", "is_opening")
    raw_id_fields = ("thread", "author", "endorsed_by")
    # Text changes go through the site's edit form (forum.services.edit_post), which keeps history.
    readonly_fields = ("body", "body_html", "score", "created_at", "edited_at", "edit_count")
    list_select_related = ("thread", "author")
    inlines = [RevisionInline]
