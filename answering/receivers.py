"""The answering app reacts to the forum's events (connected in AnsweringConfig.ready()).

Everything here runs inside the sender's transaction.
"""

from answering import services
from forum import events as forum_events


def on_reply_posted(sender, post, **kwargs):
    services.record_answer(post=post)


def connect():
    forum_events.reply_posted.connect(on_reply_posted, dispatch_uid="answering.reply_posted")
