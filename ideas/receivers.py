"""Every thread in an ideas category has its Idea row, so that the lists find it and sort it
by votes and status: made when the thread is started there or moved there.

Connected in IdeasConfig.ready(); each runs inside the forum's transaction.
"""

from forum import events as forum_events
from ideas.models import Idea


def _ensure_idea(thread):
    if thread.category.is_ideas:
        Idea.objects.get_or_create(thread=thread)


def on_thread_posted(sender, thread, **kwargs):
    _ensure_idea(thread)


def on_thread_changed(sender, thread, change, **kwargs):
    if change == "moved":
        _ensure_idea(thread)


def connect():
    uid = "ideas"
    forum_events.thread_posted.connect(on_thread_posted, dispatch_uid=f"{uid}.thread_posted")
    forum_events.thread_changed.connect(on_thread_changed, dispatch_uid=f"{uid}.thread_changed")
