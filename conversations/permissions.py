"""Who may read and write a private conversation. Predicates answer; checks raise.

A conversation with the team: its member, and any brand staff (staff may read it and join it;
admins count as staff, as everywhere). Between members: its participants. Moderators read a
conversation only while a report on it is open, and never write in it. A suspended member
reads their conversations and writes in none. Anyone else is told the conversation does not
exist (404): its subject is private too.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from profiles import roles


def may_read(member, *, owner_id, team: bool, participant_ids) -> bool:
    """The rule on plain values: what a live message carries (notifications.access) is checked
    with it when it is delivered, as the pages check a conversation."""
    if not roles.is_member(member):
        return False
    if team:
        return member.pk == owner_id or roles.is_brand_staff(member)
    return member.pk in participant_ids


def can_read(member, conversation, *, participant_ids, reported: bool = False) -> bool:
    if may_read(member, owner_id=conversation.member_id, team=conversation.is_team, participant_ids=participant_ids):
        return True
    return reported and roles.is_moderator(member)


def reads_by_report(member, conversation, *, participant_ids, reported: bool) -> bool:
    """The member reads the conversation only because a report on it is open (a moderator who
    is neither in it nor, for one with the team, brand staff): the audit log keeps that reading."""
    return (
        reported
        and roles.is_moderator(member)
        and not may_read(
            member, owner_id=conversation.member_id, team=conversation.is_team, participant_ids=participant_ids
        )
    )


def check_can_read(member, conversation, *, participant_ids, reported: bool = False):
    if not can_read(member, conversation, participant_ids=participant_ids, reported=reported):
        raise Http404(_("No such conversation."))


def can_write(member, conversation, *, participant_ids) -> bool:
    return roles.can_post(member) and may_read(
        member, owner_id=conversation.member_id, team=conversation.is_team, participant_ids=participant_ids
    )


def check_can_write(member, conversation, *, participant_ids):
    roles.check_can_post(member)
    if not can_write(member, conversation, participant_ids=participant_ids):
        raise PermissionDenied(_("Only the conversation's participants can write in it."))


def check_can_contact_team(member):
    roles.check_can_post(member)


def check_can_take_private(member):
    """Brand staff continue a public thread in private with its author."""
    roles.check_can_post(member)
    if not roles.is_brand_staff(member):
        raise PermissionDenied(_("Only brand staff can continue a thread in private."))


def check_can_join(member, conversation):
    roles.check_can_post(member)
    if not (conversation.is_team and roles.is_brand_staff(member)):
        raise PermissionDenied(_("Only brand staff can join a conversation with the team."))


def check_can_assign(member, conversation):
    if not (conversation.is_team and roles.is_brand_staff(member)):
        raise PermissionDenied(_("Only brand staff can assign a conversation with the team."))


def check_can_report(member, conversation, *, participant_ids):
    roles.check_can_post(member)
    if member.pk not in participant_ids and member.pk != conversation.member_id:
        raise PermissionDenied(_("Only the conversation's participants can report it."))


def can_report(member, conversation, *, participant_ids) -> bool:
    """Offer the report forms: to the conversation's people who may post."""
    return roles.can_post(member) and (member.pk in participant_ids or member.pk == conversation.member_id)


def check_can_report_message(member, message):
    """After check_can_report on the message's conversation."""
    if message.author_id == member.pk:
        raise PermissionDenied(_("You cannot report your own message."))


def check_can_resolve(member, *, reported: bool):
    if not roles.is_moderator(member):
        raise PermissionDenied(_("Only moderators can close a report."))
    if not reported:
        raise PermissionDenied(_("This conversation has no open report: it was closed already."))
