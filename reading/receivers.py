"""Read state follows the forum's events: a member who posts has read the thread up to their post."""

from forum import events
from reading import services


def on_thread_posted(sender, thread, post, **kwargs):
    post.thread = thread
    services.read_own_post(post)


def on_reply_posted(sender, post, **kwargs):
    services.read_own_post(post)


def connect():
    events.thread_posted.connect(on_thread_posted, dispatch_uid="reading.thread_posted")
    events.reply_posted.connect(on_reply_posted, dispatch_uid="reading.reply_posted")
