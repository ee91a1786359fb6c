"""Keep the rows right as content changes (connected in ContributionsConfig.ready()).

Each receiver runs inside the sender's transaction, so the rows commit or roll
back with the content. A post counts while it is visible in a visible thread:
a change to a post that does not count changes nothing now, and its whole
share (score, accepted, endorsed included) is added when it starts counting.
"""

from django.db.models import Q

from contributions import tally
from forum import events as forum_events
from forum.models import Post, Visibility


def _counts(post, thread) -> bool:
    return post.visibility == Visibility.VISIBLE and thread.visibility == Visibility.VISIBLE


def on_post_written(sender, post, **kwargs):
    """A thread started (its opening post) or a reply posted."""
    if _counts(post, post.thread):
        tally.add_post(post, post.thread, sign=+1)


def on_vote_cast(sender, vote, **kwargs):
    if _counts(vote.post, vote.post.thread):
        tally.bump(vote.post, vote.post.thread, votes=+1)


def on_vote_retracted(sender, post, **kwargs):
    if _counts(post, post.thread):
        tally.bump(post, post.thread, votes=-1)


def on_answer_accepted(sender, thread, post, **kwargs):
    if _counts(post, thread):
        tally.bump(post, thread, accepted=+1)


def on_answer_cleared(sender, thread, post, **kwargs):
    if _counts(post, thread):
        tally.bump(post, thread, accepted=-1)


def on_reply_endorsed(sender, post, **kwargs):
    if _counts(post, post.thread):
        tally.bump(post, post.thread, endorsed=+1)


def on_endorsement_withdrawn(sender, post, **kwargs):
    if _counts(post, post.thread):
        tally.bump(post, post.thread, endorsed=-1)


def on_post_visibility_changed(sender, post, old, new, **kwargs):
    """A reply enters or leaves the count alone; an opening post carries its whole thread along."""
    was, now = old == Visibility.VISIBLE, new == Visibility.VISIBLE
    if was == now:
        return  # hidden <-> deleted
    thread, sign = post.thread, +1 if now else -1  # an opening post's thread has already followed it
    if post.is_opening:
        # The posts that count(ed) with the thread: the opening one is no longer visible when hidden.
        counted = Post.objects.filter(Q(visibility=Visibility.VISIBLE) | Q(pk=post.pk), thread=thread)
        tally.add_thread(thread, counted, sign=sign)
    elif thread.visibility == Visibility.VISIBLE:
        tally.add_post(post, thread, sign=sign)


def on_thread_changed(sender, thread, change, before, **kwargs):
    if change == "moved" and thread.visibility == Visibility.VISIBLE:
        tally.move_thread(thread, from_category_id=before["category"].pk)


def on_post_edited(sender, post, old_tags=None, **kwargs):
    if old_tags is not None and post.thread.visibility == Visibility.VISIBLE:
        tally.retag_thread(post.thread, old_tag_ids={tag.pk for tag in old_tags})


def connect():
    uid = "contributions"
    for event, receiver in (
        (forum_events.thread_posted, on_post_written),
        (forum_events.reply_posted, on_post_written),
        (forum_events.vote_cast, on_vote_cast),
        (forum_events.vote_retracted, on_vote_retracted),
        (forum_events.answer_accepted, on_answer_accepted),
        (forum_events.answer_cleared, on_answer_cleared),
        (forum_events.reply_endorsed, on_reply_endorsed),
        (forum_events.endorsement_withdrawn, on_endorsement_withdrawn),
        (forum_events.post_visibility_changed, on_post_visibility_changed),
        (forum_events.thread_changed, on_thread_changed),
        (forum_events.post_edited, on_post_edited),
    ):
        event.connect(receiver, dispatch_uid=f"{uid}.{receiver.__name__}")
