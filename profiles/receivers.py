"""Reputation and badges react to the forum's domain events (connected in ProfilesConfig.ready()).

Everything here runs inside the sender's transaction.
"""

from allauth.account.signals import password_changed, password_reset, password_set
from django.contrib.auth.signals import user_logged_out
from django.utils import timezone

from forum import events as forum_events
from profiles import badges, reputation
from profiles import events as profile_events
from profiles.models import Member


def _award(trigger: str, *member_ids):
    ids = sorted({pk for pk in member_ids if pk is not None})
    for award in badges.award(badges.triggered_by(trigger), ids):
        profile_events.badge_awarded.send(sender=Member, award=award, badge=badges.BY_SLUG[award.badge])


def _seen(member):
    Member.objects.filter(pk=member.pk).update(last_seen=timezone.now())


def on_thread_posted(sender, thread, post, **kwargs):
    _seen(thread.author)


def on_reply_posted(sender, post, **kwargs):
    _seen(post.author)
    _award(badges.REPLY, post.author_id, post.thread.author_id)


def on_vote_cast(sender, vote, **kwargs):
    reputation.on_vote_cast(sender, vote)
    _seen(vote.voter)
    _award(badges.VOTE, vote.post.author_id, vote.voter_id)


def on_answer_accepted(sender, thread, post, by, **kwargs):
    reputation.on_answer_accepted(sender, thread=thread, post=post, by=by)
    _award(badges.ACCEPT, post.author_id)


def on_reply_endorsed(sender, post, by, **kwargs):
    reputation.on_reply_endorsed(sender, post=post, by=by)
    _award(badges.ENDORSE, post.author_id)


def on_profile_updated(sender, member, **kwargs):
    _award(badges.PROFILE, member.pk)


def on_logged_out(sender, request, user, **kwargs):
    """Sent before the session is flushed: its key still names it."""
    session = getattr(request, "session", None)
    if user is not None and user.is_authenticated and session is not None:
        profile_events.access_changed.send(sender=Member, member=user, ended_session=session.session_key)


def on_password_changed(sender, request, user, **kwargs):
    """Every session opened with the old password ends; the one that changed it goes on under
    a new key (Django cycles it), so sockets opened before, this tab's too, start over."""
    profile_events.access_changed.send(sender=Member, member=user)


def connect():
    uid = "profiles"
    user_logged_out.connect(on_logged_out, dispatch_uid=f"{uid}.logged_out")
    password_changed.connect(on_password_changed, dispatch_uid=f"{uid}.password_changed")
    password_set.connect(on_password_changed, dispatch_uid=f"{uid}.password_set")
    password_reset.connect(on_password_changed, dispatch_uid=f"{uid}.password_reset")
    forum_events.thread_posted.connect(on_thread_posted, dispatch_uid=f"{uid}.thread_posted")
    forum_events.reply_posted.connect(on_reply_posted, dispatch_uid=f"{uid}.reply_posted")
    forum_events.vote_cast.connect(on_vote_cast, dispatch_uid=f"{uid}.vote_cast")
    forum_events.vote_retracted.connect(reputation.on_vote_retracted, dispatch_uid=f"{uid}.vote_retracted")
    forum_events.answer_accepted.connect(on_answer_accepted, dispatch_uid=f"{uid}.answer_accepted")
    forum_events.answer_cleared.connect(reputation.on_answer_cleared, dispatch_uid=f"{uid}.answer_cleared")
    forum_events.reply_endorsed.connect(on_reply_endorsed, dispatch_uid=f"{uid}.reply_endorsed")
    forum_events.endorsement_withdrawn.connect(
        reputation.on_endorsement_withdrawn, dispatch_uid=f"{uid}.endorsement_withdrawn"
    )
    profile_events.profile_updated.connect(on_profile_updated, dispatch_uid=f"{uid}.profile_updated")
