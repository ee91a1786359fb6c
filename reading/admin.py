"""Read state, watches, follows and bookmarks are written by reading's services only: the
admin shows them (a support question: "why was I told of this thread?")."""

from django.contrib import admin

from reading.models import Bookmark, MemberFollow, ReadState, Watch
from web.admin import ReadOnlyAdmin


@admin.register(ReadState)
class ReadStateAdmin(ReadOnlyAdmin):
    list_display = ("member", "thread", "post_id", "read_at", "replies_read", "updated_at")
    list_select_related = ("member", "thread")
    raw_id_fields = ("member", "thread")
    search_fields = ("member__username",)


@admin.register(Watch)
class WatchAdmin(ReadOnlyAdmin):
    list_display = ("member", "level", "category", "tag", "created_at")
    list_filter = ("level",)
    list_select_related = ("member", "category", "tag")
    raw_id_fields = ("member", "category", "tag")
    search_fields = ("member__username",)


@admin.register(MemberFollow)
class MemberFollowAdmin(ReadOnlyAdmin):
    list_display = ("follower", "followed", "created_at")
    list_select_related = ("follower", "followed")
    raw_id_fields = ("follower", "followed")
    search_fields = ("follower__username", "followed__username")


@admin.register(Bookmark)
class BookmarkAdmin(ReadOnlyAdmin):
    list_display = ("member", "thread", "post", "remind_at", "reminded_at", "created_at")
    list_select_related = ("member", "thread")
    raw_id_fields = ("member", "thread", "post")
    search_fields = ("member__username",)
