"""Conversations in the admin: read-only, and each opening leaves an entry in the audit log.

They are private; an admin may have to read one (a legal request, a complaint), and the
members can then learn who did and when (moderation's audit log, through the event).
The list shows no subject: opening the list reads nothing private.
"""

from django.contrib import admin

from conversations import services
from conversations.models import Conversation, Message
from web.admin import ReadOnlyAdmin


class MessageInline(admin.TabularInline):
    model = Message
    fields = ("author", "created_at", "body")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "member", "created_at", "last_message_at", "message_count")
    list_filter = ("kind",)
    list_select_related = ("member",)
    fields = ("kind", "subject", "member", "started_by", "thread", "category", "assignee", "created_at")
    readonly_fields = fields
    inlines = [MessageInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        conversation = self.get_object(request, admin.utils.unquote(object_id))
        if conversation is not None and self.has_view_permission(request, conversation):
            services.record_admin_view(conversation=conversation, by=request.user)
        return super().change_view(request, object_id, form_url, extra_context)
