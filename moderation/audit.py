"""The audit log: one row per action, written in the action's transaction."""

from moderation.models import Action


def record(*, actor, kind: str, post=None, thread=None, member=None, reason: str = "", before=None, after=None):
    if post is not None:
        target, thread, member = f"post:{post.pk}", thread or post.thread, member or post.author
    elif thread is not None:
        target, member = f"thread:{thread.pk}", member or thread.author
    else:
        target = f"member:{member.pk}" if member is not None else ""
    return Action.objects.create(
        actor=actor,
        kind=kind,
        target=target,
        post=post,
        thread=thread,
        member=member,
        reason=reason,
        before=before or {},
        after=after or {},
    )
