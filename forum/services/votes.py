"""Marking posts helpful. A vote on the opening post counts for the thread."""

from django.db import IntegrityError, transaction
from django.db.models import F

from forum import events, permissions
from forum.models import Post, Thread, Vote
from profiles import roles
from profiles.models import Member
from profiles.services import mark_seen


def _add_to_score(post: Post, delta: int):
    Post.objects.filter(pk=post.pk).update(score=F("score") + delta)
    if post.is_opening:
        Thread.objects.filter(pk=post.thread_id).update(score=F("score") + delta)


def cast_vote(*, post: Post, voter: Member) -> Vote | None:
    """Mark a post helpful, once. Returns the vote, or None if the member had already voted."""
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("thread", "thread__category").get(pk=post.pk)
        permissions.check_can_read_thread(voter, post.thread)
        permissions.check_can_vote(voter, post)
        try:
            with transaction.atomic():
                vote = Vote.objects.create(post=post, voter=voter)
        except IntegrityError:
            return None
        _add_to_score(post, +1)
        post.score += 1
        vote.post = post
        mark_seen(voter)
        events.vote_cast.send(sender=Vote, vote=vote)
    return vote


def retract_vote(*, post: Post, voter: Member) -> bool:
    """Take back a vote. Returns False if there was none."""
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("thread").get(pk=post.pk)
        roles.check_can_post(voter)  # a suspended member may not take votes back either
        deleted, _ = Vote.objects.filter(post=post, voter=voter).delete()
        if not deleted:
            return False
        _add_to_score(post, -1)
        post.score -= 1
        events.vote_retracted.send(sender=Vote, post=post, voter=voter)
    return True
