"""Reputation and badges react to the forum's, the ideas' and the profiles' domain events
(connected in ReputationConfig.ready()).

Everything here runs inside the sender's transaction: the ledger row, the badge
and the cached totals commit (or roll back) with what earned them.
"""

from forum import events as forum_events
from ideas import events as idea_events
from profiles import events as profile_events
from reputation import badges, expertise, idea_credits, ledger
from reputation import events as reputation_events
from reputation.models import BadgeAward


def _award(trigger: str, *member_ids, threads=None):
    ids = sorted({pk for pk in member_ids if pk is not None})
    for award in badges.award(badges.triggered_by(trigger), ids, threads=threads):
        reputation_events.badge_awarded.send(sender=BadgeAward, award=award, badge=badges.BY_SLUG[award.badge])


def on_reply_posted(sender, post, **kwargs):
    """A reply adds to its author's replies, and to its thread's repliers: only the thread's
    author may earn through those, and only through this thread."""
    _award(badges.REPLY, post.author_id)
    _award(badges.REPLIED_TO, post.thread.author_id, threads=[post.thread_id])


def on_vote_cast(sender, vote, **kwargs):
    ledger.on_vote_cast(sender, vote)
    _award(badges.VOTE, vote.post.author_id, vote.voter_id)


def on_answer_accepted(sender, thread, post, by, **kwargs):
    ledger.on_answer_accepted(sender, thread=thread, post=post, by=by)
    _award(badges.ACCEPT, post.author_id)


def on_reply_endorsed(sender, post, by, **kwargs):
    ledger.on_reply_endorsed(sender, post=post, by=by)
    _award(badges.ENDORSE, post.author_id)


def on_profile_updated(sender, member, **kwargs):
    _award(badges.PROFILE, member.pk)


def on_idea_voted(sender, idea, member, **kwargs):
    _award(badges.IDEA_VOTE, idea.thread.author_id, member.pk)


def on_idea_status_changed(sender, idea, previous, by, **kwargs):
    idea_credits.on_idea_status_changed(sender, idea=idea, previous=previous, by=by)
    _award(badges.IDEA_STATUS, idea.thread.author_id)


def on_idea_merged(sender, duplicate, into, by, change, **kwargs):
    """The duplicate is closed (its credits follow), and its votes moved to `into`, which may reach a badge."""
    idea_credits.on_idea_merged(sender, duplicate=duplicate, by=by, change=change)
    _award(badges.IDEA_VOTE, into.thread.author_id)


def connect():
    uid = "reputation"
    forum_events.reply_posted.connect(on_reply_posted, dispatch_uid=f"{uid}.reply_posted")
    forum_events.vote_cast.connect(on_vote_cast, dispatch_uid=f"{uid}.vote_cast")
    forum_events.vote_retracted.connect(ledger.on_vote_retracted, dispatch_uid=f"{uid}.vote_retracted")
    forum_events.answer_accepted.connect(on_answer_accepted, dispatch_uid=f"{uid}.answer_accepted")
    forum_events.answer_cleared.connect(ledger.on_answer_cleared, dispatch_uid=f"{uid}.answer_cleared")
    forum_events.reply_endorsed.connect(on_reply_endorsed, dispatch_uid=f"{uid}.reply_endorsed")
    forum_events.endorsement_withdrawn.connect(
        ledger.on_endorsement_withdrawn, dispatch_uid=f"{uid}.endorsement_withdrawn"
    )
    # The ledger keeps the expertise rows itself; a thread that changes place takes its points along.
    forum_events.post_edited.connect(expertise.on_thread_retagged, dispatch_uid=f"{uid}.expertise.post_edited")
    forum_events.thread_changed.connect(expertise.on_thread_moved, dispatch_uid=f"{uid}.expertise.thread_changed")
    profile_events.profile_updated.connect(on_profile_updated, dispatch_uid=f"{uid}.profile_updated")
    idea_events.idea_voted.connect(on_idea_voted, dispatch_uid=f"{uid}.idea_voted")
    idea_events.idea_status_changed.connect(on_idea_status_changed, dispatch_uid=f"{uid}.idea_status_changed")
    idea_events.idea_merged.connect(on_idea_merged, dispatch_uid=f"{uid}.idea_merged")
