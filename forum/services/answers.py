"""Accepted answers and staff endorsements."""

from django.db import transaction
from django.utils import timezone

from forum import events, permissions
from forum.models import Post, Thread
from profiles.models import Member


def _locked_thread(thread_id) -> Thread:
    # of=("self",): PostgreSQL cannot lock the nullable side of the accepted_answer outer join.
    return (
        Thread.objects.select_for_update(of=("self",)).select_related("category", "accepted_answer").get(pk=thread_id)
    )


def accept_answer(*, post: Post, by: Member) -> Thread:
    """Mark a reply as its thread's answer, replacing any previous one."""
    with transaction.atomic():
        thread = _locked_thread(post.thread_id)
        post = Post.objects.select_related("author").get(pk=post.pk)
        permissions.check_can_read_thread(by, thread)
        permissions.check_can_accept(by, thread, post)
        previous = thread.accepted_answer
        if previous is not None and previous.pk == post.pk:
            return thread
        if previous is not None:
            events.answer_cleared.send(sender=Thread, thread=thread, post=previous, by=by)
        thread.accepted_answer, thread.accepted_at = post, timezone.now()
        thread.save(update_fields=["accepted_answer", "accepted_at"])
        events.answer_accepted.send(sender=Thread, thread=thread, post=post, by=by, previous=previous)
    return thread


def clear_answer(*, thread: Thread, by: Member) -> Thread:
    """Remove the accepted answer, if any."""
    with transaction.atomic():
        thread = _locked_thread(thread.pk)
        permissions.check_can_read_thread(by, thread)
        permissions.check_can_accept(by, thread)
        previous = thread.accepted_answer
        if previous is None:
            return thread
        thread.accepted_answer, thread.accepted_at = None, None
        thread.save(update_fields=["accepted_answer", "accepted_at"])
        events.answer_cleared.send(sender=Thread, thread=thread, post=previous, by=by)
    return thread


def endorse_reply(*, post: Post, by: Member) -> Post:
    """Brand staff vouch for a member's reply ("endorsed by Acme Support")."""
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("thread", "thread__category").get(pk=post.pk)
        permissions.check_can_read_thread(by, post.thread)
        permissions.check_can_endorse(by, post)
        if post.endorsed_by_id is not None:
            return post
        post.endorsed_by, post.endorsed_at = by, timezone.now()
        post.save(update_fields=["endorsed_by", "endorsed_at"])
        events.reply_endorsed.send(sender=Post, post=post, by=by)
    return post


def withdraw_endorsement(*, post: Post, by: Member) -> Post:
    with transaction.atomic():
        post = (
            Post.objects.select_for_update(of=("self",))  # endorsed_by is an outer join PostgreSQL cannot lock
            .select_related("thread", "thread__category", "endorsed_by")
            .get(pk=post.pk)
        )
        permissions.check_can_read_thread(by, post.thread)
        permissions.check_can_endorse(by, post)
        endorser = post.endorsed_by
        if endorser is None:
            return post
        post.endorsed_by, post.endorsed_at = None, None
        post.save(update_fields=["endorsed_by", "endorsed_at"])
        events.endorsement_withdrawn.send(sender=Post, post=post, by=by, endorser=endorser)
    return post
