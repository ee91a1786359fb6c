"""Queue index updates when content changes (connected in SearchConfig.ready()).

Each runs inside the content's transaction: the queue row commits with the
post, so an update is never lost even if the index is locked.
"""

from forum import events as forum_events
from ideas import events as idea_events
from search.models import IndexTask
from search.queue import enqueue


def _post(post):
    enqueue(IndexTask.Kind.POST, [post.pk])


def _thread(thread):
    enqueue(IndexTask.Kind.THREAD, [thread.pk])


def on_thread_posted(sender, thread, post, **kwargs):
    _post(post)


def on_reply_posted(sender, post, **kwargs):
    # A first official response changes a flag every post of the thread carries.
    if post.is_official and post.thread.first_official_at == post.created_at:
        _thread(post.thread)
    else:
        _post(post)


def on_post_edited(sender, post, revision, **kwargs):
    # An opening post's edit may change the title or the tags, which every post of the thread carries.
    if post.is_opening:
        _thread(post.thread)
    else:
        _post(post)


def on_vote(sender, **kwargs):
    post = kwargs["vote"].post if "vote" in kwargs else kwargs["post"]
    _post(post)


def on_answer_changed(sender, thread, **kwargs):
    _thread(thread)


def on_visibility_changed(sender, post, **kwargs):
    if post.is_opening:
        _thread(post.thread)
    else:
        _post(post)


def on_thread_changed(sender, thread, change, **kwargs):
    if change == "moved":
        _thread(thread)


def _idea(idea):
    # Every post of an idea carries its status (search_indexes.PostIndex.idea_status); an idea's
    # primary key is its thread's.
    enqueue(IndexTask.Kind.THREAD, [idea.pk])


def on_idea_status_changed(sender, idea, **kwargs):
    _idea(idea)


def on_idea_merged(sender, duplicate, **kwargs):
    # The duplicate's status changed; the idea it went into keeps its own.
    _idea(duplicate)


def connect():
    uid = "search"
    forum_events.thread_posted.connect(on_thread_posted, dispatch_uid=f"{uid}.thread_posted")
    forum_events.reply_posted.connect(on_reply_posted, dispatch_uid=f"{uid}.reply_posted")
    forum_events.post_edited.connect(on_post_edited, dispatch_uid=f"{uid}.post_edited")
    forum_events.vote_cast.connect(on_vote, dispatch_uid=f"{uid}.vote_cast")
    forum_events.vote_retracted.connect(on_vote, dispatch_uid=f"{uid}.vote_retracted")
    forum_events.answer_accepted.connect(on_answer_changed, dispatch_uid=f"{uid}.answer_accepted")
    forum_events.answer_cleared.connect(on_answer_changed, dispatch_uid=f"{uid}.answer_cleared")
    forum_events.post_visibility_changed.connect(on_visibility_changed, dispatch_uid=f"{uid}.visibility")
    forum_events.thread_changed.connect(on_thread_changed, dispatch_uid=f"{uid}.thread_changed")
    idea_events.idea_status_changed.connect(on_idea_status_changed, dispatch_uid=f"{uid}.idea_status_changed")
    idea_events.idea_merged.connect(on_idea_merged, dispatch_uid=f"{uid}.idea_merged")
