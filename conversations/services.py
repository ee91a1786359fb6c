"""Every write of a private conversation: one function per action.

Each runs in one transaction: the rows, then the domain event (conversations/events.py), whose
receivers (notifications, staff, moderation) write their rows in the same transaction; the
live pushes to the participants leave after the commit (conversations/live.py).
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from conversations import between_members, events, live, permissions, pictures
from conversations.models import Conversation, Message, Participant, Report
from forum import permissions as forum_permissions
from forum.services import post_reply
from forum.services import staff as staff_services
from forum.validators import TITLE_MAX, TITLE_MIN, clean_body, clean_title
from profiles import roles
from profiles.models import Member

REASON_MAX = 1000


def participant_ids(conversation) -> set[int]:
    return set(Participant.objects.filter(conversation=conversation).values_list("member", flat=True))


def _join(conversation, member) -> bool:
    """Make the member a participant; True if they were not one."""
    _row, created = Participant.objects.get_or_create(conversation=conversation, member=member)
    return created


def _set_unread(conversation, *, author):
    """Every other participant who had read everything now has something unread: their row and
    their header count change together, in one statement each."""
    rows = Participant.objects.filter(conversation=conversation, unread=False).exclude(member=author)
    members = list(rows.select_for_update().values_list("member", flat=True))
    if members:
        Participant.objects.filter(conversation=conversation, member__in=members).update(unread=True)
        Member.objects.filter(pk__in=members).update(unread_conversations=F("unread_conversations") + 1)


def _clear_unread(conversation, member) -> bool:
    """The member read the conversation; True if it was unread for them."""
    if Participant.objects.filter(conversation=conversation, member=member, unread=True).update(unread=False):
        Member.objects.filter(pk=member.pk, unread_conversations__gt=0).update(
            unread_conversations=F("unread_conversations") - 1
        )
        return True
    return False


def write(conversation, *, author, body: str) -> Message:
    """The message and every count it changes. The caller holds the transaction, with the
    conversation locked, and has checked the author may write."""
    body = clean_body(body)
    now = timezone.now()
    message = Message.objects.create(
        conversation=conversation, author=author, body=body, body_html=pictures.render(body), created_at=now
    )
    pictures.hold(message)
    _join(conversation, author)
    _clear_unread(conversation, author)
    _set_unread(conversation, author=author)
    changes = {"last_message_at": now, "message_count": F("message_count") + 1}
    if conversation.is_team:
        # The member waits for the team from their first message the team has not answered.
        from_team = roles.is_brand_staff(author) and author.pk != conversation.member_id
        changes["awaiting_since"] = None if from_team else conversation.awaiting_since or now
        conversation.awaiting_since = changes["awaiting_since"]
        if from_team:
            changes["target_breach_notified_at"] = None  # the next wait has its own alert
    Conversation.objects.filter(pk=conversation.pk).update(**changes)
    conversation.last_message_at = now
    conversation.message_count += 1
    message.conversation = conversation
    recipients = list(
        Member.objects.filter(pk__in=participant_ids(conversation) - {author.pk}).only(*roles.ROLE_FIELDS, "language")
    )
    events.message_posted.send(sender=Message, message=message, recipients=recipients)
    live.message_on_commit(message)
    return message


def clean_subject(subject: str) -> str:
    """A thread title's rules (length, no control characters), said of a subject."""
    try:
        return clean_title(subject)
    except ValidationError as error:
        if error.code == "title_short":
            raise ValidationError(
                _("The subject needs at least %(count)d characters.") % {"count": TITLE_MIN}, code="subject_short"
            ) from error
        if error.code == "title_long":
            raise ValidationError(
                _("The subject can have at most %(count)d characters.") % {"count": TITLE_MAX}, code="subject_long"
            ) from error
        raise


def start_team_conversation(*, member: Member, subject: str, body: str, category=None) -> Conversation:
    """A member writes to the brand's team."""
    permissions.check_can_contact_team(member)
    subject = clean_subject(subject)
    clean_body(body)  # refused before any row is written
    with transaction.atomic():
        conversation = Conversation.objects.create(
            kind=Conversation.Kind.TEAM, subject=subject, member=member, started_by=member, category=category
        )
        Participant.objects.create(conversation=conversation, member=member)
        message = write(conversation, author=member, body=body)
        events.conversation_started.send(sender=Conversation, conversation=conversation, message=message)
    return conversation


def start_member_conversation(*, sender: Member, recipient: Member, subject: str, body: str) -> Conversation:
    """A member writes privately to another (when MEMBER_MESSAGES is on: conversations/between_members.py)."""
    between_members.check_can_write_to(sender, recipient)
    subject = clean_subject(subject)
    clean_body(body)
    between_members.take_limit(sender, "conversation")
    with transaction.atomic():
        conversation = Conversation.objects.create(kind=Conversation.Kind.MEMBERS, subject=subject, started_by=sender)
        Participant.objects.bulk_create(Participant(conversation=conversation, member=m) for m in (sender, recipient))
        message = write(conversation, author=sender, body=body)
        events.conversation_started.send(sender=Conversation, conversation=conversation, message=message)
    return conversation


def take_private(*, thread, by: Member, member: Member, subject: str, body: str, public_note: str = "") -> Conversation:
    """Brand staff continue a public thread in private with one of its members (not staff: the
    conversation is with the team). The thread says so in a public reply (`public_note`, when
    not empty), which tells nothing of what follows."""
    permissions.check_can_take_private(by)
    forum_permissions.check_can_read_thread(by, thread)
    if (
        not roles.is_member(member)
        or roles.is_brand_staff(member)
        or not forum_permissions.can_read_thread(member, thread)
    ):
        raise ValidationError(_("Choose a member of this thread to write to."), code="member")
    subject = clean_subject(subject)
    clean_body(body)
    with transaction.atomic():
        conversation = Conversation.objects.create(
            kind=Conversation.Kind.TEAM,
            subject=subject,
            member=member,
            started_by=by,
            category=thread.category,
            thread=thread,
        )
        Participant.objects.bulk_create(Participant(conversation=conversation, member=m) for m in (member, by))
        message = write(conversation, author=by, body=body)
        events.conversation_started.send(sender=Conversation, conversation=conversation, message=message)
        if public_note.strip():
            post_reply(thread=thread, author=by, body=public_note, official=False)
    return conversation


def post_message(*, conversation: Conversation, author: Member, body: str) -> Message:
    body = clean_body(body)  # refused before it takes one of the day's messages between members
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        people = participant_ids(conversation)
        permissions.check_can_write(author, conversation, participant_ids=people)
        between_members.check_reply(conversation, author, people)
        return write(conversation, author=author, body=body)


def join_conversation(*, conversation: Conversation, member: Member) -> bool:
    """A staff member joins a conversation with the team (they are told of what follows)."""
    permissions.check_can_join(member, conversation)
    with transaction.atomic():
        return _join(conversation, member)


def mark_read(*, conversation: Conversation, member: Member) -> bool:
    """The member saw the conversation's latest message. True if it was unread for them."""
    with transaction.atomic():
        changed = _clear_unread(conversation, member)
        if changed:
            live.inbox_on_commit(member.pk)
    return changed


def assign_conversation(*, conversation: Conversation, by: Member, to: Member | None) -> Conversation:
    """Give a conversation with the team to a staff member (to=by claims it; None releases it).
    The assignee joins it, so that they are told of the member's next messages."""
    permissions.check_can_assign(by, conversation)
    if to is not None and not roles.is_brand_staff(to):
        raise ValidationError(_("Conversations can only be assigned to brand staff."), code="assignee")
    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=conversation.pk)
        )
        previous = conversation.assignee
        if (previous and previous.pk) == (to and to.pk):
            return conversation
        conversation.assignee, conversation.assigned_at = to, timezone.now() if to else None
        conversation.save(update_fields=["assignee", "assigned_at"])
        if to is not None:
            _join(conversation, to)
        events.conversation_assigned.send(
            sender=Conversation, conversation=conversation, by=by, assignee=to, previous=previous
        )
    return conversation


def _clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("Say what is wrong, for the moderators."), code="reason")
    if len(reason) > REASON_MAX:
        raise ValidationError(_("Keep the reason under %(count)d characters.") % {"count": REASON_MAX}, code="reason")
    return reason


def report_conversation(*, conversation: Conversation, reporter: Member, reason: str, message=None) -> Report:
    """A participant asks moderators to look at the conversation, or at one of its messages
    (`message`, not their own): they may read the conversation until the report is closed."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        people = participant_ids(conversation)
        permissions.check_can_report(reporter, conversation, participant_ids=people)
        if message is not None:
            permissions.check_can_report_message(reporter, message)
        open_reports = Report.objects.filter(reporter=reporter, resolved_at__isnull=True)
        if open_reports.filter(conversation=conversation, message=message).exists():
            if message is not None:
                raise ValidationError(_("You already reported this message."), code="reported")
            raise ValidationError(_("You already reported this conversation."), code="reported")
        report = Report.objects.create(conversation=conversation, message=message, reporter=reporter, reason=reason)
        events.conversation_reported.send(sender=Report, report=report)
    return report


def report_message(*, message: Message, reporter: Member, reason: str) -> Report:
    """A participant reports one message of a conversation (a member's, or the team's)."""
    return report_conversation(conversation=message.conversation, reporter=reporter, reason=reason, message=message)


def resolve_reports(*, conversation: Conversation, by: Member, reason: str = "") -> int:
    """A moderator closes the open reports on a conversation and its messages: it is private
    again, to them too. Returns how many reports were closed."""
    with transaction.atomic():
        reported = list(Report.objects.select_for_update().filter(conversation=conversation, resolved_at__isnull=True))
        permissions.check_can_resolve(by, reported=bool(reported))
        Report.objects.filter(pk__in=[r.pk for r in reported]).update(resolved_at=timezone.now(), resolved_by=by)
        events.conversation_reports_closed.send(
            sender=Report, conversation=conversation, reports=reported, by=by, reason=reason.strip()[:REASON_MAX]
        )
    return len(reported)


def record_admin_view(*, conversation: Conversation, by: Member):
    """An admin opened the conversation in the Django admin: the audit log says so (moderation)."""
    with transaction.atomic():
        events.conversation_opened_in_admin.send(sender=Conversation, conversation=conversation, by=by)


def record_reported_reading(*, conversation: Conversation, by: Member) -> list[Report]:
    """A moderator read a conversation that only its open reports let them read: the audit log
    says so (moderation keeps one entry per moderator per report, not one per page). Returns
    the open reports, which the page shows. No transaction: the one write is moderation's
    single row, and a reading that is already on record writes nothing."""
    reports = list(Report.objects.filter(conversation=conversation, resolved_at__isnull=True))
    if reports:
        events.reported_conversation_read.send(sender=Report, conversation=conversation, by=by, reports=reports)
    return reports


def notify_target_breaches(now=None) -> int:
    """Tell the assignee (or every brand staff member when unassigned), once per wait, of
    conversations with the team past their topic's response target, as for public questions.
    Returns how many conversations."""
    now = now or timezone.now()
    waiting = Conversation.objects.filter(
        kind=Conversation.Kind.TEAM,
        awaiting_since__isnull=False,
        target_breach_notified_at__isnull=True,
        category__response_target_hours__isnull=False,
    ).select_related("category", "assignee")
    breached = [
        conversation
        for conversation in waiting
        if now - conversation.awaiting_since > timedelta(hours=conversation.category.response_target_hours)
    ]

    def send(conversation, recipients):
        events.conversation_target_breached.send(sender=Conversation, conversation=conversation, recipients=recipients)

    return staff_services.announce_breaches(breached, now=now, send=send)
