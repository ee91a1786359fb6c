"""The admin lists pictures (who sent which, for which post); it never changes them: attaching
follows the posts, and removing is remove_stale_uploads' or a moderator's hiding the post."""

from django.contrib import admin

from uploads.models import Upload
from web.admin import ReadOnlyAdmin


@admin.register(Upload)
class UploadAdmin(ReadOnlyAdmin):
    list_display = ("key", "uploader", "post", "held_by", "content_type", "width", "height", "size", "created_at")
    list_filter = ("content_type", ("post", admin.EmptyFieldListFilter))
    list_select_related = ("uploader", "post")
    search_fields = ("key", "uploader__username")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
