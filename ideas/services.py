"""Every change to ideas: votes, statuses and merges (one write path each)."""

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from forum import services as forum_services
from forum.models import Category, Thread
from ideas import events, permissions
from ideas.models import CHOSEN, CLOSED, Idea, IdeaVote, Status, StatusChange

NOTE_MIN_LENGTH = 10
# Characters that Markdown would read as markup in a title used as a link's text.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&])")


def idea_for(thread: Thread) -> Idea:
    """The thread's idea row (made on first use: threads that became ideas by a category's kind)."""
    permissions.check_is_idea(thread)
    idea, _created = Idea.objects.get_or_create(thread=thread)
    idea.thread = thread
    return idea


def idea_as_is(thread: Thread) -> Idea:
    """The thread's idea row if it has one, else an unsaved one (any thread: one that is not an
    idea is refused by the checks that read it), for checks that must write nothing."""
    idea = Idea.objects.filter(thread=thread).first() or Idea(thread=thread)
    idea.thread = thread
    return idea


def add_missing_ideas() -> int:
    """Give every thread in an ideas category its Idea row (threads written in bulk, such as the
    demo's generated ones, had no thread_posted to make it). Returns how many were made."""
    missing = Thread.objects.filter(category__kind=Category.Kind.IDEAS, idea__isnull=True).values_list("pk", flat=True)
    made = Idea.objects.bulk_create([Idea(thread_id=pk) for pk in missing.iterator()], batch_size=1000)
    return len(made)


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
        idea.count_recent_votes(votes=F("votes") + 1)
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
        idea.count_recent_votes(votes=F("votes") - 1)
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
        if idea.status == Status.DUPLICATE:  # its votes and followers are in the other idea now
            raise ValidationError(_("This idea is merged into another: its status stays duplicate."))
        previous = idea.status
        reply = forum_services.post_reply(thread=thread, author=by, body=note, official=True, announces=True)
        idea.status, idea.status_changed_at = status, timezone.now()
        idea.save(update_fields=["status", "status_changed_at"])
        change = StatusChange.objects.create(idea=idea, status=status, previous=previous, note=reply, by=by)
        events.idea_status_changed.send(sender=Idea, idea=idea, previous=previous, by=by, note=reply, change=change)
    return change


def merge_idea(*, duplicate: Thread, into: Thread, by) -> Idea:
    """Merge the idea `duplicate` into the idea `into`: its votes and followers move there, and it
    is closed (status duplicate, a note linking to `into`, its thread locked). Returns the
    duplicate's Idea. Checked by ideas.permissions.check_can_merge; announced by idea_merged
    (notifications, the audit log and the page cache react).

    A member who voted for both is counted once. Moved votes keep their date and are not held
    to the cap (IDEA_VOTES_PER_MEMBER): the member gave that vote already, and the cap is on
    choices a member makes, not on a merge made for them."""
    source = idea_for(duplicate)
    permissions.check_can_merge(by, source, idea_as_is(into))
    idea_for(into)  # its row, for a thread that became an idea by its category's kind
    with transaction.atomic():
        source, target = _lock_pair(duplicate, into)
        permissions.check_can_merge(by, source, target)  # merged, or moved, since it was read
        previous, voters = source.status, list(source.idea_votes.values_list("member_id", flat=True))
        moved = _move_votes(source, target)
        forum_services.carry_followers(source=duplicate, target=into)
        note = forum_services.post_reply(
            thread=duplicate, author=by, body=_merge_note(target), official=None, announces=True
        )
        source.status, source.status_changed_at, source.merged_into = Status.DUPLICATE, timezone.now(), target
        source.save(update_fields=["status", "status_changed_at", "merged_into"])
        change = StatusChange.objects.create(idea=source, status=Status.DUPLICATE, previous=previous, note=note, by=by)
        source.thread = forum_services.lock_closed_thread(thread=duplicate, by=by)
        events.idea_merged.send(
            sender=Idea, duplicate=source, into=target, by=by, note=note, moved=moved, voters=voters, change=change
        )
    return source


def _lock_pair(duplicate: Thread, into: Thread) -> tuple[Idea, Idea]:
    """Both ideas' rows, locked in the order of their keys, as every merge takes them: two merges
    of the same pair in opposite directions wait for each other instead of deadlocking."""
    # Only the ideas' rows: their threads and categories are read, not locked.
    rows = Idea.objects.select_for_update(of=("self",)).select_related("thread__category")
    locked = {pk: rows.get(pk=pk) for pk in sorted({duplicate.pk, into.pk})}
    return locked[duplicate.pk], locked[into.pk]


def _move_votes(source: Idea, target: Idea) -> int:
    """Votes of the source's voters go to the target (an UPDATE: each keeps its date); a member
    who voted for both keeps the target's vote only. Both counters are set from the rows. Returns
    how many votes moved. The caller holds both rows' locks."""
    IdeaVote.objects.filter(idea=source, member__in=target.idea_votes.values("member")).delete()
    moved = IdeaVote.objects.filter(idea=source).update(idea=target)
    for idea in (source, target):
        idea.votes = IdeaVote.objects.filter(idea=idea).count()
        idea.count_recent_votes(votes=idea.votes)
    return moved


def _merge_note(target: Idea) -> str:
    """The note posted in the duplicate, in the site's language (everyone reads the same post),
    with a Markdown link to the idea it went into."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("This idea was merged into [%(title)s](%(url)s): its votes and followers moved there.") % {
            "title": MARKDOWN_SPECIAL.sub(r"\\\1", target.thread.title),
            "url": target.thread.get_absolute_url(),
        }
