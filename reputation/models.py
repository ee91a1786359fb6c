"""The reputation ledger, the badges members hold, and the expertise the ledger sums up.

Both tables were created by the profiles app and keep their names (Meta.db_table):
the models moved here without touching the database (migrations/0001_initial.py).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag


class ReputationEntry(models.Model):
    """One event in a member's reputation: a gain, or the reversal of an earlier gain.

    A member's reputation is the sum of their entries; Member.reputation caches
    it and changes only in reputation/ledger.py, in the same transaction. `post` is
    what earned it: a reply, a thread's opening post, or an idea's opening post (so an
    idea's category and who may read it apply to its points as to any post's).
    """

    class Reason(models.TextChoices):
        REPLY_HELPFUL = "reply_helpful", _("Your reply was marked helpful")
        THREAD_HELPFUL = "thread_helpful", _("Your thread was marked helpful")
        ANSWER_ACCEPTED = "answer_accepted", _("Your reply was accepted as the answer")
        ACCEPTED_ANSWER = "accepted_answer", _("You accepted an answer to your thread")
        REPLY_ENDORSED = "reply_endorsed", _("Staff endorsed your reply")
        IDEA_PLANNED = "idea_planned", _("Your idea was planned")
        IDEA_DONE = "idea_done", _("Your idea was delivered")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reputation_entries")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    amount = models.IntegerField()
    post = models.ForeignKey("forum.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    category = models.ForeignKey("forum.Category", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reverses = models.OneToOneField("self", on_delete=models.CASCADE, null=True, blank=True, related_name="reversed_by")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "profiles_reputationentry"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["member", "-created_at"], name="reputation_member_recent"),
            models.Index(fields=["created_at", "member"], name="reputation_period"),
        ]

    def __str__(self):
        return f"{self.amount:+d} {self.reason} for {self.member_id}"

    @property
    def is_reversal(self):
        return self.reverses_id is not None


class BadgeAward(models.Model):
    """A badge a member holds; per-post badges once per post, the others once."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_awards")
    badge = models.CharField(max_length=40, db_index=True)
    post = models.ForeignKey("forum.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    awarded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "profiles_badgeaward"
        ordering = ["-awarded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "badge"], condition=models.Q(post__isnull=True), name="badge_once_per_member"
            ),
            models.UniqueConstraint(
                fields=["member", "badge", "post"], condition=models.Q(post__isnull=False), name="badge_once_per_post"
            ),
        ]

    def __str__(self):
        return f"{self.badge} for {self.member_id}"


class Expertise(models.Model):
    """What a member earned by answering, in one place (a category, or a tag in a category).

    `points` are the member's standing answering gains there (ledger.ANSWERING: helpful
    votes on their replies and threads, accepted answers, endorsements), counted where the
    post's thread is now; `last_earned_at` is the latest of those gains, undone or not, for
    "active lately". Rows change only in reputation/expertise.py, inside the ledger's
    transaction; `manage.py rebuild_expertise` recomputes them from the ledger.
    """

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    category = models.ForeignKey("forum.Category", on_delete=models.CASCADE, related_name="+")
    points = models.IntegerField(default=0)
    last_earned_at = models.DateTimeField()

    class Meta:
        abstract = True


class CategoryExpertise(Expertise):
    """A member's expertise in one category: every answering gain on its threads, tagged or not."""

    class Meta:
        verbose_name_plural = "category expertise"
        constraints = [models.UniqueConstraint(fields=["member", "category"], name="expertise_category_unique")]
        indexes = [
            # "The members who know this category best, active lately": read in this index's order.
            models.Index(fields=["category", "-points", "last_earned_at"], name="expertise_category_top"),
        ]

    def __str__(self):
        return f"{self.points} points for {self.member_id} in {self.category_id}"


class TagExpertise(Expertise):
    """A member's expertise under one tag, in one category.

    Keyed by category too, as contributions' TagTotals: a profile sums the rows of the
    categories its viewer may read, so points earned in a staff-only category never show
    to a member or a visitor, and a category whose access changes needs no rewrite.
    """

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name_plural = "tag expertise"
        constraints = [models.UniqueConstraint(fields=["member", "category", "tag"], name="expertise_tag_unique")]
        indexes = [
            # "The members who know this tag best, active lately": read in this index's order.
            models.Index(fields=["tag", "-points", "last_earned_at"], name="expertise_tag_top"),
        ]

    def __str__(self):
        return f"{self.points} points for {self.member_id} under {self.tag_id} in {self.category_id}"
