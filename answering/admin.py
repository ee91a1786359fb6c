"""Invitations are written by answering.services only: the admin shows them."""

from django.contrib import admin

from answering.models import Invitation, InvitationRound
from web.admin import ReadOnlyAdmin


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("thread", "member", "round", "sent_at", "answered_post")
    list_filter = ("round",)
    list_select_related = ("thread", "member")
    raw_id_fields = ("thread", "member", "answered_post")


@admin.register(InvitationRound)
class InvitationRoundAdmin(ReadOnlyAdmin):
    list_display = ("thread", "round", "ran_at", "invited")
    list_filter = ("round",)
    list_select_related = ("thread",)
    raw_id_fields = ("thread",)
