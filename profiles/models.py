from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Member(AbstractUser):
    """A member of the community: identity, role and the cached figures an author card shows.

    Roles combine: brand staff (official responders) may also be moderators.
    Admins are Django superusers. Role checks live in profiles/roles.py.
    """

    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    bio = models.TextField(_("about me"), max_length=2000, blank=True)
    bio_html = models.TextField(blank=True, editable=False)
    location = models.CharField(_("location"), max_length=80, blank=True)
    website = models.URLField(_("website"), max_length=200, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/%Y/%m/", blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        blank=True,
        choices=[("en", "English"), ("fr", "Français")],
    )

    is_brand_staff = models.BooleanField(
        _("brand staff"),
        default=False,
        help_text=_("Answers as the brand: posts carry the staff title as an official response."),
    )
    staff_title = models.CharField(
        _("staff title"),
        max_length=60,
        blank=True,
        help_text=_('Shown on official responses, for example "Acme Support".'),
    )
    is_moderator = models.BooleanField(_("moderator"), default=False)

    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    suspension_reason = models.CharField(_("suspension reason"), max_length=500, blank=True)

    reputation = models.PositiveIntegerField(_("reputation"), default=0, editable=False)
    gold_badges = models.PositiveIntegerField(default=0, editable=False)
    silver_badges = models.PositiveIntegerField(default=0, editable=False)
    bronze_badges = models.PositiveIntegerField(default=0, editable=False)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self):
        return self.username

    @property
    def name(self):
        return self.display_name or self.username

    @property
    def initials(self):
        words = self.name.split()
        letters = "".join(word[0] for word in words[:2]) if len(words) > 1 else self.name[:2]
        return letters.upper()

    @property
    def is_suspended(self):
        return self.suspended_until is not None and self.suspended_until > timezone.now()


class ReputationEntry(models.Model):
    """One event in a member's reputation: a gain, or the reversal of an earlier gain.

    A member's reputation is the sum of their entries; Member.reputation caches
    it and changes only in profiles/reputation.py, in the same transaction.
    """

    class Reason(models.TextChoices):
        REPLY_HELPFUL = "reply_helpful", _("Your reply was marked helpful")
        THREAD_HELPFUL = "thread_helpful", _("Your thread was marked helpful")
        ANSWER_ACCEPTED = "answer_accepted", _("Your reply was accepted as the answer")
        ACCEPTED_ANSWER = "accepted_answer", _("You accepted an answer to your thread")
        REPLY_ENDORSED = "reply_endorsed", _("Staff endorsed your reply")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="reputation_entries")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    amount = models.IntegerField()
    post = models.ForeignKey("forum.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    category = models.ForeignKey("forum.Category", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reverses = models.OneToOneField("self", on_delete=models.CASCADE, null=True, blank=True, related_name="reversed_by")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
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

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="badge_awards")
    badge = models.CharField(max_length=40, db_index=True)
    post = models.ForeignKey("forum.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    awarded_at = models.DateTimeField(default=timezone.now)

    class Meta:
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
