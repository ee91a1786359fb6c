"""Notify assignees and breached targets; keep the staff queue count live."""

from conversations import events as conversation_events
from forum import events as forum_events
from notifications.models import Kind
from notifications.services import notify
from web import push
from web.push import STAFF


def on_thread_assigned(sender, thread, by, assignee, **kwargs):
    if assignee is not None:
        notify(recipients=[assignee], kind=Kind.ASSIGNED, actor=by, thread=thread, url=thread.get_absolute_url())
    queue_changed()


def on_target_breached(sender, thread, recipients, **kwargs):
    notify(recipients=recipients, kind=Kind.TARGET_BREACHED, thread=thread, url=thread.get_absolute_url())


def queue_changed(*args, **kwargs):
    from staff.selectors import queue_count

    push.on_commit(lambda: [push.relay(STAFF, {"type": "staff.queue", "count": queue_count()})])


def on_reply_posted(sender, post, **kwargs):
    if post.is_official:
        queue_changed()


def on_thread_posted(sender, thread, **kwargs):
    if thread.category.is_questions:
        queue_changed()


def on_conversation_assigned(sender, conversation, by, assignee, **kwargs):
    if assignee is not None:
        notify(
            recipients=[assignee],
            kind=Kind.ASSIGNED,
            actor=by,
            data={"title": conversation.subject},
            url=conversation.get_absolute_url(),
        )
    conversations_changed()


def on_conversation_target_breached(sender, conversation, recipients, **kwargs):
    notify(
        recipients=recipients,
        kind=Kind.TARGET_BREACHED,
        data={"title": conversation.subject},
        url=conversation.get_absolute_url(),
    )


def conversations_changed(*args, **kwargs):
    """The count of conversations with the team that wait for an answer, live in the workspace."""
    from conversations.selectors import team_queue_count

    push.on_commit(lambda: [push.relay(STAFF, {"type": "staff.conversations", "count": team_queue_count()})])


def connect():
    uid = "staff"
    conversation_events.conversation_assigned.connect(on_conversation_assigned, dispatch_uid=f"{uid}.conv_assigned")
    conversation_events.message_posted.connect(conversations_changed, dispatch_uid=f"{uid}.conv_message")
    conversation_events.conversation_target_breached.connect(
        on_conversation_target_breached, dispatch_uid=f"{uid}.conv_breached"
    )
    forum_events.thread_assigned.connect(on_thread_assigned, dispatch_uid=f"{uid}.assigned")
    forum_events.response_target_breached.connect(on_target_breached, dispatch_uid=f"{uid}.breached")
    forum_events.reply_posted.connect(on_reply_posted, dispatch_uid=f"{uid}.reply_posted")
    forum_events.thread_posted.connect(on_thread_posted, dispatch_uid=f"{uid}.thread_posted")
    forum_events.answer_accepted.connect(queue_changed, dispatch_uid=f"{uid}.answer_accepted")
    forum_events.thread_changed.connect(queue_changed, dispatch_uid=f"{uid}.thread_changed")
