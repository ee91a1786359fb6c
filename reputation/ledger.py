"""The reputation ledger: the rules, and the receivers that apply them.

Each receiver runs inside the forum or ideas service's transaction: the ledger
row and the cached total on Member commit (or roll back) with the vote, answer,
endorsement or idea status that caused them. Nobody earns from their own
actions on their own posts, and brand staff earn nothing for official
responses (nor for their own ideas, whose opening posts are official).

Every entry earn() and undo() write also goes to the members' expertise rows
(reputation/expertise.py), in the same transaction: the one write path of both.
"""

from django.db.models import F, Sum
from django.db.models.functions import Greatest

from profiles.models import Member
from reputation import expertise
from reputation.models import ReputationEntry

Reason = ReputationEntry.Reason

POINTS = {
    Reason.REPLY_HELPFUL: 10,
    Reason.THREAD_HELPFUL: 5,
    Reason.ANSWER_ACCEPTED: 15,
    Reason.ACCEPTED_ANSWER: 2,
    Reason.REPLY_ENDORSED: 10,
    # The brand planning an idea takes it up as an endorsement takes up a reply; an idea
    # delivered has proved its worth as an accepted answer has.
    Reason.IDEA_PLANNED: 10,
    Reason.IDEA_DONE: 15,
}


def add_to_total(member_id: int, amount: int):
    Member.objects.filter(pk=member_id).update(reputation=Greatest(F("reputation") + amount, 0))


def earn(*, member_id: int, reason: str, post, actor) -> ReputationEntry | None:
    """Write a gain for `member_id`; the caller holds the transaction."""
    if actor is not None and actor.pk == member_id:
        return None
    entry = ReputationEntry.objects.create(
        member_id=member_id,
        reason=reason,
        amount=POINTS[reason],
        post=post,
        category_id=post.thread.category_id if post is not None else None,
        actor=actor,
    )
    add_to_total(member_id, entry.amount)
    expertise.record(entry)
    return entry


def reverse(*, member_id: int, reason: str, post, actor=None) -> ReputationEntry | None:
    """Undo the latest gain of this kind that has not been undone yet."""
    gains = standing(member_id=member_id, reason=reason, post=post)
    if actor is not None:
        gains = gains.filter(actor=actor)
    gain = gains.order_by("-created_at", "-id").first()
    if gain is None:
        return None
    return undo(gain, actor=actor)


def standing(*, member_id: int, reason: str, post):
    """The gains of this kind on this post that have not been undone."""
    return ReputationEntry.objects.filter(
        member_id=member_id, reason=reason, post=post, reverses__isnull=True, reversed_by__isnull=True
    )


def undo(gain: ReputationEntry, *, actor=None) -> ReputationEntry:
    entry = ReputationEntry.objects.create(
        member_id=gain.member_id,
        reason=gain.reason,
        amount=-gain.amount,
        post_id=gain.post_id,
        category_id=gain.category_id,
        actor=actor,
        reverses=gain,
    )
    add_to_total(gain.member_id, entry.amount)
    expertise.record(entry)
    return entry


def earns_for(post) -> bool:
    """Official responses earn their (staff) author nothing."""
    return not post.is_official


def ledger_total(member_id: int) -> int:
    return ReputationEntry.objects.filter(member_id=member_id).aggregate(total=Sum("amount"))["total"] or 0


def mismatched_members():
    """Members whose cached total differs from their ledger: (member, cached, ledger)."""
    totals = dict(ReputationEntry.objects.values("member").annotate(total=Sum("amount")).values_list("member", "total"))
    for member in Member.objects.only("pk", "username", "reputation").iterator():
        ledger = max(totals.get(member.pk, 0), 0)
        if member.reputation != ledger:
            yield member, member.reputation, ledger


# Receivers: connected in ReputationConfig.ready() (reputation/receivers.py) ----------


def on_vote_cast(sender, vote, **kwargs):
    post = vote.post
    if earns_for(post):
        reason = Reason.THREAD_HELPFUL if post.is_opening else Reason.REPLY_HELPFUL
        earn(member_id=post.author_id, reason=reason, post=post, actor=vote.voter)


def on_vote_retracted(sender, post, voter, **kwargs):
    reason = Reason.THREAD_HELPFUL if post.is_opening else Reason.REPLY_HELPFUL
    reverse(member_id=post.author_id, reason=reason, post=post, actor=voter)


def on_answer_accepted(sender, thread, post, by, **kwargs):
    if post.author_id == thread.author_id:
        return  # answering your own question earns nothing, either way
    if earns_for(post):
        earn(member_id=post.author_id, reason=Reason.ANSWER_ACCEPTED, post=post, actor=None)
    if by.pk == thread.author_id:
        earn(member_id=thread.author_id, reason=Reason.ACCEPTED_ANSWER, post=post, actor=None)


def on_answer_cleared(sender, thread, post, by, **kwargs):
    reverse(member_id=post.author_id, reason=Reason.ANSWER_ACCEPTED, post=post)
    reverse(member_id=thread.author_id, reason=Reason.ACCEPTED_ANSWER, post=post)


def on_reply_endorsed(sender, post, by, **kwargs):
    if earns_for(post):
        earn(member_id=post.author_id, reason=Reason.REPLY_ENDORSED, post=post, actor=by)


def on_endorsement_withdrawn(sender, post, by, endorser, **kwargs):
    reverse(member_id=post.author_id, reason=Reason.REPLY_ENDORSED, post=post)


def backfill(votes, accepted_threads):
    """Ledger entries for content written in bulk (the demo seeder), then the totals.

    `votes` are Vote rows with post (and post.thread) loaded; `accepted_threads`
    are threads whose accepted_answer was set without the service. The caller then
    rebuilds the expertise rows (expertise.rebuild()), which bulk_create did not keep.
    """
    entries = []
    for vote in votes:
        post = vote.post
        if earns_for(post) and vote.voter_id != post.author_id:
            reason = Reason.THREAD_HELPFUL if post.is_opening else Reason.REPLY_HELPFUL
            entries.append(_entry(post.author_id, reason, post, vote.voter_id, vote.created_at))
    for thread in accepted_threads:
        answer = thread.accepted_answer
        if answer.author_id != thread.author_id:
            if earns_for(answer):
                entries.append(_entry(answer.author_id, Reason.ANSWER_ACCEPTED, answer, None, thread.accepted_at))
            entries.append(
                _entry(thread.author_id, Reason.ACCEPTED_ANSWER, answer, thread.author_id, thread.accepted_at)
            )
    ReputationEntry.objects.bulk_create(entries, batch_size=2000)


def _entry(member_id, reason, post, actor_id, when):
    return ReputationEntry(
        member_id=member_id,
        reason=reason,
        amount=POINTS[reason],
        post=post,
        category_id=post.thread.category_id,
        actor_id=actor_id,
        created_at=when,
    )


def repair_totals():
    for member, _cached, ledger in list(mismatched_members()):
        Member.objects.filter(pk=member.pk).update(reputation=ledger)
