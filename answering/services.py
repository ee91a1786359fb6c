"""The answering app's write path: invitations, answers to them, members' preferences.

Each function holds its transaction: lock and check again, write the rows, notify (the
notification rows commit with the invitations; pushes and emails follow after the commit),
send the event (answering/events.py).
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from answering import events, rounds
from answering.invitees import choose_invitees
from answering.models import AnsweringPreference, Invitation, InvitationRound
from forum.models import Post, Thread
from notifications.models import Kind
from notifications.services import notify
from web.prepared import PreparedUpdate


def invite_answerers(now: datetime | None = None) -> int:
    """Run every round of invitations due at `now` (default: the clock), one transaction per
    question. Idempotent: a round runs once per question. Returns how many members were invited."""
    now = now or timezone.now()
    invited = 0
    for thread, number in rounds.due(now):
        invited += len(invite_to_answer(thread_id=thread.pk, round=number, now=now))
    return invited


def invite_to_answer(*, thread_id: int, round: int, now: datetime) -> list[Invitation]:
    """One round for one question: the question is locked and checked again (a reply, an
    accepted answer or a lock since it was found means nobody is invited), the round is marked
    as run, and the members chosen are notified; those the notification reached (not muted,
    not switched off) are recorded as invited. Returns the invitations written."""
    with transaction.atomic():
        question = rounds.open_questions().select_for_update(of=("self",)).select_related("category", "author")
        thread = question.filter(pk=thread_id).first()
        if thread is None or not _mark_round(thread, round, now):
            return []
        members = choose_invitees(thread, round=round, now=now)
        told = notify(
            recipients=members,
            kind=Kind.HELP_INVITE,
            actor=thread.author,
            thread=thread,
            data={"round": round},
            url=thread.get_absolute_url(),
        )
        reached = {t.recipient_id for t in told}
        invitations = Invitation.objects.bulk_create(
            Invitation(thread=thread, member=member, round=round, sent_at=now)
            for member in members
            if member.pk in reached
        )
        InvitationRound.objects.filter(thread=thread, round=round).update(invited=len(invitations))
        events.answerers_invited.send(sender=Invitation, thread=thread, round=round, invitations=invitations)
    return invitations


def _mark_round(thread: Thread, round: int, now: datetime) -> bool:
    """Record that the round ran; False when it already had (another run took it)."""
    try:
        with transaction.atomic():
            InvitationRound.objects.create(thread=thread, round=round, ran_at=now)
    except IntegrityError:
        return False
    return True


# Run in the transaction of every reply to a question, its SQL compiled once (web/prepared.py).
_ANSWERED = PreparedUpdate(
    lambda thread, member, post: (
        Invitation.objects.filter(thread_id=thread, member_id=member, answered_post__isnull=True),
        {"answered_post": post},
    )
)


def record_answer(*, post: Post) -> int:
    """A reply was posted: it answers the invitation its author had to the question, if any
    still unanswered. Runs in the reply's transaction. Returns how many invitations it answered.

    Only members are invited, never the asker, and only to questions: other replies cost no query.
    """
    thread = post.thread
    if post.is_opening or post.is_official or post.author_id == thread.author_id or not thread.category.is_questions:
        return 0
    return _ANSWERED.run(thread=post.thread_id, member=post.author_id, post=post.pk)


@transaction.atomic
def set_answering_preferences(*, member, invitations: bool, tags, daily_cap: int | None) -> AnsweringPreference:
    """Save a member's choices: invitations on or off, the tags they want to be invited under
    (empty: every tag they know about), their daily cap (None: the site's)."""
    preference, _created = AnsweringPreference.objects.select_for_update().get_or_create(member=member)
    preference.invitations, preference.daily_cap = invitations, daily_cap
    preference.save(update_fields=["invitations", "daily_cap"])
    preference.tags.set(tags)
    return preference
