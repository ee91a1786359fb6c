"""A post takes the pictures its message references when it is written or edited.

Connected in UploadsConfig.ready(); runs inside the forum's transaction.
"""

from forum import events
from uploads import services


def on_thread_posted(sender, thread, post, **kwargs):
    services.attach_pictures(post=post, writer=post.author)


def on_reply_posted(sender, post, **kwargs):
    services.attach_pictures(post=post, writer=post.author)


def on_post_edited(sender, post, editor, **kwargs):
    services.attach_pictures(post=post, writer=editor, edited=True)


def connect():
    uid = "uploads"
    events.thread_posted.connect(on_thread_posted, dispatch_uid=f"{uid}.thread_posted")
    events.reply_posted.connect(on_reply_posted, dispatch_uid=f"{uid}.reply_posted")
    events.post_edited.connect(on_post_edited, dispatch_uid=f"{uid}.post_edited")
