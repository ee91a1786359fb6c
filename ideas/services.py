"""Every change to ideas: votes and statuses (one write path each)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from forum import services as forum_services
from forum.models import Thread
from ideas import events, permissions
from ideas.models import CHOSEN, CLOSED, Idea, IdeaVote, StatusChange

NOTE_MIN_LENGTH = 10


def idea_for(thread: Thread) -> Idea:
    """The thread's idea row (made on first use: threads that became ideas by a category's kind)."""
    permissions.check_is_idea(thread)
    idea, _created = Idea.objects.get_or_create(thread=thread)
    idea.thread = thread
    return idea


def _check_cap(member, idea: Idea):
    """A member may hold IDEA_VOTES_PER_MEMBER votes at once in a category (0: no cap); votes on
    closed ideas (done, declined, merged) are given back."""
    cap = settings.IDEA_VOTES_PER_MEMBER
    if not cap:
        return
    held = (
        IdeaVote.objects.filter(member=member, idea__thread__category_id=idea.thread.category_id)
        .exclude(idea__status__in=CLOSED)
        .count()
    )
    if held >= cap:
        raise PermissionDenied(
            ngettext(
                "You already support %(cap)d idea in this category: take a vote back to give this one.",
                "You already support %(cap)d ideas in this category: take a vote back to give this one.",
                cap,
            )
            % {"cap": cap}
        )


def vote_for_idea(*, thread: Thread, member) -> bool:
    """Vote for an idea, once. Returns False if the member had already voted (nothing changes)."""
    idea = idea_for(thread)
    permissions.check_can_vote(member, idea)
    with transaction.atomic():
        # The idea's row is the lock: a cap is counted and a vote added by one member at a time.
        idea = Idea.objects.select_for_update().get(pk=idea.pk)
        idea.thread = thread
        permissions.check_can_vote(member, idea)  # closed since it was read
        if IdeaVote.objects.filter(idea=idea, member=member).exists():
            return False
        _check_cap(member, idea)
        try:
            with transaction.atomic():
                IdeaVote.objects.create(idea=idea, member=member)
        except IntegrityError:  # the same member's other request won the race
            return False
        Idea.objects.filter(pk=idea.pk).update(votes=F("votes") + 1)
        idea.refresh_from_db(fields=["votes"])
        events.idea_voted.send(sender=Idea, idea=idea, member=member)
    return True


def withdraw_idea_vote(*, thread: Thread, member) -> bool:
    """Take a vote back. Returns False if there was none. Allowed on a closed idea too (it
    changes nothing of the cap, and a member may always take back what they gave)."""
    idea = idea_for(thread)
    with transaction.atomic():
        idea = Idea.objects.select_for_update().get(pk=idea.pk)
        idea.thread = thread
        deleted, _rows = IdeaVote.objects.filter(idea=idea, member=member).delete()
        if not deleted:
            return False
        Idea.objects.filter(pk=idea.pk).update(votes=F("votes") - 1)
        idea.refresh_from_db(fields=["votes"])
        events.idea_vote_withdrawn.send(sender=Idea, idea=idea, member=member)
    return True


def set_idea_status(*, thread: Thread, by, status: str, note: str) -> StatusChange:
    """Brand staff answer an idea: its new status, and a public note posted in the thread as an
    official response. The change is kept (StatusChange) and announced (idea_status_changed:
    the audit log, notifications and reputation react)."""
    idea = idea_for(thread)
    permissions.check_can_set_status(by, idea)
    if status not in CHOSEN:
        raise ValidationError(_("Choose a status: new, under review, planned, in progress, done or declined."))
    note = (note or "").strip()
    if len(note) < NOTE_MIN_LENGTH:
        raise ValidationError(_("Say in a sentence why: the note is posted in the thread for everyone."))
    with transaction.atomic():
        idea = Idea.objects.select_for_update().get(pk=idea.pk)
        idea.thread = thread
        if idea.status == status:
            raise ValidationError(_("The idea already has this status."))
        previous = idea.status
        reply = forum_services.post_reply(thread=thread, author=by, body=note, official=True, announces=True)
        idea.status, idea.status_changed_at = status, timezone.now()
        idea.save(update_fields=["status", "status_changed_at"])
        change = StatusChange.objects.create(idea=idea, status=status, previous=previous, note=reply, by=by)
        events.idea_status_changed.send(sender=Idea, idea=idea, previous=previous, by=by, note=reply, change=change)
    return change
