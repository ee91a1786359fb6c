"""The domain events that webhooks tell of (connected in IntegrationsConfig.ready()).

Each receiver runs inside the sender's transaction and queues the deliveries there
(integrations/queue.py), so that they commit, or roll back, with what they tell of; the worker
sends them after the commit. What a visitor may not read (a staff-only category, a hidden
thread: forum.permissions decides) is queued for staff-level webhooks only.
"""

from functools import partial

from allauth.account.signals import user_signed_up
from django.contrib.auth.models import AnonymousUser

from forum import events as forum_events
from forum.permissions import can_read
from ideas import events as idea_events
from integrations import payloads
from integrations.models import Event
from integrations.queue import enqueue
from moderation import events as moderation_events

VISITOR = AnonymousUser()


def is_public(thread) -> bool:
    """Whether a visitor may read the thread (its category loaded)."""
    return can_read(VISITOR, access=thread.category.access, visibility=thread.visibility, author_id=thread.author_id)


def on_thread_posted(sender, thread, post, **kwargs):
    build = partial(payloads.thread_posted, thread, post)
    enqueue([(Event.THREAD_POSTED, build)], thread=thread, post=post, public=partial(is_public, thread))


def on_reply_posted(sender, post, **kwargs):
    """Every reply; an official one is also an official response (both in one statement)."""
    build = partial(payloads.reply_posted, post)
    items = [(Event.REPLY_POSTED, build)]
    if post.is_official:
        items.append((Event.OFFICIAL_RESPONSE, build))
    enqueue(items, thread=post.thread, post=post, public=partial(is_public, post.thread))


def on_answer_accepted(sender, thread, post, by, **kwargs):
    build = partial(payloads.answer_accepted, thread, post, by)
    enqueue([(Event.ANSWER_ACCEPTED, build)], thread=thread, post=post, public=partial(is_public, thread))


def on_report_filed(sender, report, auto_hidden=False, **kwargs):
    build = partial(payloads.report_filed, report, auto_hidden)
    enqueue([(Event.REPORT_FILED, build)], thread=report.thread, public=False)


def on_target_breached(sender, thread, **kwargs):
    build = partial(payloads.target_breached, thread)
    enqueue([(Event.TARGET_BREACHED, build)], thread=thread, public=False)


def on_idea_status_changed(sender, idea, previous, by, note, **kwargs):
    build = partial(payloads.idea_status_changed, idea, previous, by, note)
    enqueue([(Event.IDEA_STATUS_CHANGED, build)], thread=note.thread, public=partial(is_public, note.thread))


def on_signed_up(sender, request, user, **kwargs):
    """allauth's, for both ways in: a sign-up form, or a first log-in through a provider."""
    enqueue([(Event.MEMBER_JOINED, partial(payloads.member_joined, user))], public=True)


def connect():
    uid = "integrations"
    forum_events.thread_posted.connect(on_thread_posted, dispatch_uid=f"{uid}.thread_posted")
    forum_events.reply_posted.connect(on_reply_posted, dispatch_uid=f"{uid}.reply_posted")
    forum_events.answer_accepted.connect(on_answer_accepted, dispatch_uid=f"{uid}.answer_accepted")
    forum_events.response_target_breached.connect(on_target_breached, dispatch_uid=f"{uid}.target_breached")
    moderation_events.report_filed.connect(on_report_filed, dispatch_uid=f"{uid}.report_filed")
    idea_events.idea_status_changed.connect(on_idea_status_changed, dispatch_uid=f"{uid}.idea_status_changed")
    user_signed_up.connect(on_signed_up, dispatch_uid=f"{uid}.signed_up")
