"""Moderation reacts to the forum's events: posting limits, and the audit of staff actions.

Connected in ModerationConfig.ready(); runs inside the sender's transaction.
"""

from conversations import events as conversation_events
from conversations.models import Message
from forum import events as forum_events
from ideas import events as idea_events
from moderation import audit, limits
from moderation import events as moderation_events
from moderation.actions import resolve_reports
from moderation.models import Action
from moderation.reports import target_of
from moderation.selectors import open_count
from profiles import roles
from web import push
from web.push import MODERATORS


def on_post_edited(sender, post, editor, revision, **kwargs):
    """An edit of someone else's post is a staff or moderator action: audit it, close its reports."""
    if editor.pk == post.author_id:
        return
    audit.record(
        actor=editor,
        kind=Action.Kind.EDIT,
        post=post,
        before={"title": revision.old_title, "body": revision.old_body},
        after={"title": revision.new_title, "body": revision.new_body},
    )
    if roles.is_moderator(editor):
        resolve_reports(target_of(post=post), editor, "edited")


def on_reply_endorsed(sender, post, by, **kwargs):
    audit.record(actor=by, kind=Action.Kind.ENDORSE, post=post)


def on_endorsement_withdrawn(sender, post, by, endorser, **kwargs):
    audit.record(actor=by, kind=Action.Kind.UNENDORSE, post=post, before={"endorsed_by": endorser.username})


def on_answer_accepted(sender, thread, post, by, **kwargs):
    if by.pk != thread.author_id:
        audit.record(actor=by, kind=Action.Kind.ACCEPT, post=post)


def on_answer_cleared(sender, thread, post, by, **kwargs):
    if by.pk != thread.author_id:
        audit.record(actor=by, kind=Action.Kind.UNACCEPT, post=post)


def on_queue_changed(sender, **kwargs):
    """Moderators' queue counts update live, after the change commits (a private conversation
    reported or its reports closed count as much as a post's)."""
    push.on_commit(lambda: [push.relay(MODERATORS, {"type": "mod.queue", "count": open_count()})])


def on_idea_status_changed(sender, idea, previous, by, note, **kwargs):
    """Brand staff answered an idea: the audit log keeps who set which status, and the note."""
    audit.record(
        actor=by, kind=Action.Kind.IDEA_STATUS, post=note, before={"status": previous}, after={"status": idea.status}
    )


def on_idea_merged(sender, duplicate, into, by, note, moved, change, **kwargs):
    """An idea merged into another: the audit log keeps who merged which idea into which (the
    member concerned is the duplicate's author), and how many votes moved."""
    audit.record(
        actor=by,
        kind=Action.Kind.IDEA_MERGED,
        post=note,
        member=duplicate.thread.author,
        before={"status": change.previous},
        after={"status": duplicate.status, "into": into.pk, "moved": moved},
    )


def on_conversation_opened_in_admin(sender, conversation, by, **kwargs):
    """Private conversations are read by their participants; an admin who opens one is on record."""
    Action.objects.create(
        actor=by,
        kind=Action.Kind.READ_CONVERSATION,
        target=f"conversation:{conversation.pk}",
        member=conversation.member,
    )


def _audit_reports(*, by, kind, conversation, reports, reason=""):
    """An entry about a private conversation's reports, with whom the reported messages were by
    (else the conversation's member), never what they said."""
    messages = sorted({report.message_id for report in reports if report.message_id})
    authors = set(Message.objects.filter(pk__in=messages).values_list("author", flat=True))
    return Action.objects.create(
        actor=by,
        kind=kind,
        target=f"conversation:{conversation.pk}",
        member_id=authors.pop() if len(authors) == 1 else conversation.member_id,
        reason=reason,
        after={"reports": len(reports), "messages": messages},
    )


def on_conversation_reports_closed(sender, conversation, reports, by, reason, **kwargs):
    """A moderator closed a private conversation's reports: on record."""
    _audit_reports(by=by, kind=Action.Kind.CLOSE_REPORT, conversation=conversation, reports=reports, reason=reason)
    on_queue_changed(sender)


def on_reported_conversation_read(sender, conversation, reports, by, **kwargs):
    """A moderator read a private conversation because of its reports: on record, as an admin's
    opening is. Once per moderator per report, not per page: nothing is written while their
    reading of this conversation is on record since its newest open report was made."""
    newest = max(report.created_at for report in reports)
    target = f"conversation:{conversation.pk}"
    read = Action.objects.filter(actor=by, kind=Action.Kind.READ_REPORTED, target=target, created_at__gte=newest)
    if not read.exists():
        _audit_reports(by=by, kind=Action.Kind.READ_REPORTED, conversation=conversation, reports=reports)


def connect():
    uid = "moderation"
    conversation_events.conversation_opened_in_admin.connect(
        on_conversation_opened_in_admin, dispatch_uid=f"{uid}.conversation_opened"
    )
    conversation_events.conversation_reported.connect(on_queue_changed, dispatch_uid=f"{uid}.conversation_reported")
    conversation_events.reported_conversation_read.connect(
        on_reported_conversation_read, dispatch_uid=f"{uid}.reported_conversation_read"
    )
    conversation_events.conversation_reports_closed.connect(
        on_conversation_reports_closed, dispatch_uid=f"{uid}.conversation_reports_closed"
    )
    forum_events.post_attempted.connect(limits.on_post_attempted, dispatch_uid=f"{uid}.limits")
    forum_events.post_edited.connect(on_post_edited, dispatch_uid=f"{uid}.post_edited")
    forum_events.reply_endorsed.connect(on_reply_endorsed, dispatch_uid=f"{uid}.reply_endorsed")
    forum_events.endorsement_withdrawn.connect(on_endorsement_withdrawn, dispatch_uid=f"{uid}.unendorse")
    forum_events.answer_accepted.connect(on_answer_accepted, dispatch_uid=f"{uid}.answer_accepted")
    forum_events.answer_cleared.connect(on_answer_cleared, dispatch_uid=f"{uid}.answer_cleared")
    idea_events.idea_status_changed.connect(on_idea_status_changed, dispatch_uid=f"{uid}.idea_status")
    idea_events.idea_merged.connect(on_idea_merged, dispatch_uid=f"{uid}.idea_merged")
    moderation_events.queue_changed.connect(on_queue_changed, dispatch_uid=f"{uid}.queue_changed")
