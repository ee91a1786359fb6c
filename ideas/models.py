"""Ideas: threads in an ideas category, which members vote for and brand staff answer.

An idea is its thread (title, description, tags, replies); `Idea` holds what the thread
does not: its status, the number of votes, when the status last changed and, for a duplicate,
the idea it was merged into. Each status change is a row of `StatusChange`, with the note that
announced it, so that the idea's page can show its history.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    UNDER_REVIEW = "under_review", _("Under review")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined")
    DUPLICATE = "duplicate", _("Duplicate")


# An idea in one of these takes no more votes, and its votes no longer count against a
# member's cap (IDEA_VOTES_PER_MEMBER): they are given back.
CLOSED = (Status.DONE, Status.DECLINED, Status.DUPLICATE)
# Set by brand staff with a note; a duplicate is made by merging, not chosen.
CHOSEN = tuple(status for status in Status if status != Status.DUPLICATE)


TRENDING_DAYS = 30


class Idea(models.Model):
    thread = models.OneToOneField("forum.Thread", on_delete=models.CASCADE, primary_key=True, related_name="idea")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    votes = models.PositiveIntegerField(_("votes"), default=0, editable=False)
    # The votes of the TRENDING_DAYS before `recent_counted_at`, counted at each vote, withdrawal
    # and merge: never fewer than the votes of the TRENDING_DAYS before any later moment (votes
    # only leave that window until the next vote counts again), so trending ranks by this bound
    # and counts exactly only the few ideas that can reach the page (ideas/selectors.py).
    recent_votes = models.PositiveIntegerField(default=0, editable=False)
    recent_counted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set by merging (status DUPLICATE): where the idea's votes and followers went.
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged", verbose_name=_("merged into")
    )

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        indexes = [models.Index(fields=["status", "-votes"], name="idea_status_votes")]

    def __str__(self):
        return str(self.thread)

    def count_recent_votes(self, now=None, **changes):
        """Count the votes of the last TRENDING_DAYS again and save the count, with `changes` to
        the row in the same statement (the votes a service just added or took back); the caller
        holds the row's lock. Called by every change of the idea's votes."""
        now = now or timezone.now()
        since = now - timedelta(days=TRENDING_DAYS)
        self.recent_votes = IdeaVote.objects.filter(idea_id=self.pk, created_at__gte=since).count()
        self.recent_counted_at = now
        Idea.objects.filter(pk=self.pk).update(recent_votes=self.recent_votes, recent_counted_at=now, **changes)

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED


class IdeaVote(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="idea_votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_votes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "member"], name="one_vote_per_member_and_idea")]
        # An idea's recent votes (trending counts those of the last 30 days) from the index alone.
        indexes = [models.Index(fields=["idea", "-created_at"], name="ideavote_idea_recent")]

    def __str__(self):
        return f"{self.member} → {self.idea}"


class StatusChange(models.Model):
    """One status set by brand staff, with the official response that said why, or by a merge
    (duplicate), with the note that links to the idea it went into."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=16, choices=Status.choices)
    previous = models.CharField(max_length=16, choices=Status.choices)
    note = models.ForeignKey("forum.Post", on_delete=models.SET_NULL, null=True, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.idea}: {self.previous} → {self.status}"
