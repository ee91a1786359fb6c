"""Reputation for ideas: the author's credits when their idea is planned and when it is done,
which follow the idea's status (see IDEA_CREDITS), and their recomputation from the ideas.

The receivers run inside the ideas service's transaction, as the ledger's others do.
"""

from dataclasses import dataclass

from django.utils import timezone

from forum.models import Post
from ideas.models import Idea, Status, StatusChange
from reputation.ledger import POINTS, Reason, add_to_total, earn, earns_for, reverse, standing, undo
from reputation.models import ReputationEntry

# The statuses in which an idea's author holds each idea credit. Done (and in progress)
# implies planned: an idea that goes straight from new to done earns both, once each.
PLANNED_OR_LATER = frozenset({Status.PLANNED, Status.IN_PROGRESS, Status.DONE})
IDEA_CREDITS = {
    Reason.IDEA_PLANNED: PLANNED_OR_LATER,
    Reason.IDEA_DONE: frozenset({Status.DONE}),
}


def on_idea_status_changed(sender, idea, previous, by, **kwargs):
    """Credit the idea's author for each credit the new status enters, take back each it leaves.

    Credits follow the status, not the change: planned → in progress → planned keeps the one
    planned credit, and a credit the author never earned (they set the status of their own
    idea) is not made up by a later change. The caller holds the idea's row lock.
    """
    opening = _opening(idea)
    author_id = idea.thread.author_id
    for reason, statuses in IDEA_CREDITS.items():
        held_before, held_now = previous in statuses, idea.status in statuses
        entered = held_now and not held_before
        if entered and earns_for(opening) and not standing(member_id=author_id, reason=reason, post=opening).exists():
            earn(member_id=author_id, reason=reason, post=opening, actor=by)
        elif held_before and not held_now:
            reverse(member_id=author_id, reason=reason, post=opening)


def on_idea_merged(sender, duplicate, by, change, **kwargs):
    """A merge closes the duplicate: its credits go as with any status it could have been given."""
    on_idea_status_changed(sender, idea=duplicate, previous=change.previous, by=by)


def _opening(idea: Idea) -> Post:
    opening = Post.objects.get(thread_id=idea.pk, is_opening=True)
    opening.thread = idea.thread
    return opening


# Idea credits, recomputed from the ideas (recompute_reputation) ---------------------------


@dataclass
class IdeaCredit:
    """An idea credit on which the ledger and the idea disagree: owed by the idea's status and
    missing from the ledger (`entry` is the gain to write), or standing in the ledger and no
    longer owed (`entry` is that gain, to undo)."""

    entry: ReputationEntry
    owed: bool
    username: str
    title: str


def idea_credits_out_of_step() -> list[IdeaCredit]:
    """Compare the idea credits in the ledger with what the ideas' statuses owe now.

    The caller holds the transaction: every idea's row is locked first, as set_idea_status
    locks one, so that a status changed meanwhile waits instead of being credited twice.
    """
    list(Idea.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    owed, standing = _owed_idea_credits(), _standing_idea_credits()
    missing = [credit for key, credit in owed.items() if key not in standing]
    stale = [
        IdeaCredit(entry=gain, owed=False, username=gain.member.username, title=gain.post.thread.title)
        for key, gains in standing.items()
        for gain in (gains[1:] if key in owed else gains)
    ]
    return missing + stale


def settle_idea_credits(credits: list[IdeaCredit]):
    """Write the missing gains and undo the stale ones, with the cached totals; the caller
    holds the transaction (and the ideas' locks, from idea_credits_out_of_step)."""
    for credit in credits:
        if credit.owed:
            credit.entry.save(force_insert=True)
            add_to_total(credit.entry.member_id, credit.entry.amount)
        else:
            undo(credit.entry)


def _owed_idea_credits() -> dict[tuple[int, str, int], IdeaCredit]:
    """The idea credits owed now, as unsaved gains keyed by (member, reason, post).

    Each is made by, and dated at, the status change that last entered its statuses, as
    on_idea_status_changed made it; an idea whose author made that change owes nothing, and
    neither does an idea of brand staff's (an official opening post).
    """
    openings = Post.objects.filter(
        is_opening=True, is_official=False, thread__idea__status__in=PLANNED_OR_LATER
    ).values(
        "pk",
        "author",
        "author__username",
        "thread",
        "thread__title",
        "thread__category",
        "thread__idea__status",
        "thread__idea__status_changed_at",
    )
    entered = _changes_entering()
    owed = {}
    for row in openings:
        for reason, statuses in IDEA_CREDITS.items():
            change = entered.get((row["thread"], reason))
            if row["thread__idea__status"] in statuses and not (change and change["by"] == row["author"]):
                owed[(row["author"], reason, row["pk"])] = _owed_credit(row, reason, change)
    return owed


def _owed_credit(row: dict, reason: str, change: dict | None) -> IdeaCredit:
    """The gain `change` earned (None: a status set without the service, dated when it was)."""
    entry = ReputationEntry(
        member_id=row["author"],
        reason=reason,
        amount=POINTS[reason],
        post_id=row["pk"],
        category_id=row["thread__category"],
        actor_id=change["by"] if change else None,
        created_at=change["created_at"] if change else row["thread__idea__status_changed_at"] or timezone.now(),
    )
    return IdeaCredit(entry=entry, owed=True, username=row["author__username"], title=row["thread__title"])


def _changes_entering() -> dict[tuple[int, str], dict]:
    """For each idea now planned or later and each idea credit, the last status change that
    entered the credit's statuses (from outside them)."""
    changes = StatusChange.objects.filter(idea__status__in=PLANNED_OR_LATER).order_by("created_at", "id")
    entering = {}
    for change in changes.values("idea", "status", "previous", "by", "created_at"):
        for reason, statuses in IDEA_CREDITS.items():
            if change["status"] in statuses and change["previous"] not in statuses:
                entering[(change["idea"], reason)] = change
    return entering


def _standing_idea_credits() -> dict[tuple[int, str, int], list[ReputationEntry]]:
    """Idea gains not undone, oldest first, keyed by (member, reason, post). Those whose post
    is gone keep their points, as every other gain does."""
    gains = (
        ReputationEntry.objects.filter(
            reason__in=list(IDEA_CREDITS), post__isnull=False, reverses__isnull=True, reversed_by__isnull=True
        )
        .select_related("member", "post__thread")
        .only("member", "reason", "amount", "post", "category", "member__username", "post__thread__title")
        .order_by("created_at", "id")
    )
    standing = {}
    for gain in gains:
        standing.setdefault((gain.member_id, gain.reason, gain.post_id), []).append(gain)
    return standing
