"""A notification is a row first; the WebSocket push is only the fast path."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    REPLY = "reply", _("Replies to your threads")
    FOLLOWED_REPLY = "followed_reply", _("Replies in threads you follow")
    MENTION = "mention", _("Mentions of you")
    QUOTE = "quote", _("Quotes of your posts")
    ANSWER_ACCEPTED = "answer_accepted", _("Your answer accepted")
    HELPFUL = "helpful", _("Your posts marked helpful")
    BADGE = "badge", _("Badges earned")
    OFFICIAL_RESPONSE = "official_response", _("Official responses")
    ENDORSED = "endorsed", _("Staff endorsements")
    POST_HIDDEN = "post_hidden", _("Your posts hidden by moderators")
    POST_RESTORED = "post_restored", _("Your posts restored")
    REPORT_RESOLVED = "report_resolved", _("Your reports resolved")
    SUSPENDED = "suspended", _("Account suspensions")
    WARNED = "warned", _("Warnings from moderators")
    NEW_REPORT = "new_report", _("New reports (moderators)")
    ASSIGNED = "assigned", _("Threads assigned to you (staff)")
    TARGET_BREACHED = "target_breached", _("Questions past their response target (staff)")
    IDEA_STATUS = "idea_status", _("New statuses of ideas you support or follow")
    HELP_INVITE = "help_invite", _("Questions you could answer")
    WATCHED_THREAD = "watched_thread", _("New threads in categories and tags you watch")
    FOLLOWED_MEMBER = "followed_member", _("New threads by members you follow")
    BOOKMARK_REMINDER = "bookmark_reminder", _("Reminders of your bookmarks")
    MESSAGE = "message", _("Private messages")


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    thread = models.ForeignKey("forum.Thread", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    post = models.ForeignKey("forum.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # Kind-specific details (badge slug, reason, ...), shown through the kind's message.
    data = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500, blank=True)
    # Unread notifications of one kind on one thread collapse into one row: count says how many.
    count = models.PositiveIntegerField(default=1)
    shown_on_site = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Set when the row waits for its member's next daily digest, so that it leaves the
    # email batches until then (else waiting rows would fill every batch).
    email_not_before = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-id"], name="notification_unread"),
            models.Index(fields=["recipient", "kind", "thread", "read_at"], name="notification_collapse"),
        ]

    def __str__(self):
        return f"{self.kind} for {self.recipient_id}"

    @property
    def is_read(self):
        return self.read_at is not None


class Preference(models.Model):
    """How a member wants one kind of notification. No row: the defaults."""

    class Email(models.TextChoices):
        OFF = "off", _("Never")
        IMMEDIATE = "immediate", _("Right away (if still unread after a few minutes)")
        DAILY = "daily", _("Daily digest")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    on_site = models.BooleanField(default=True)
    email = models.CharField(max_length=10, choices=Email.choices, default=Email.OFF)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "kind"], name="one_preference_per_kind")]

    def __str__(self):
        return f"{self.member_id} {self.kind}: site={self.on_site} email={self.email}"


class DigestRun(models.Model):
    """When a member's last daily digest went out, so each gets at most one a day."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    def __str__(self):
        return f"digest for {self.member_id} at {self.sent_at}"


class Announcement(models.Model):
    """A short message from staff, shown as a banner on every page until it expires or is withdrawn."""

    message = models.CharField(_("message"), max_length=280)
    thread = models.ForeignKey("forum.Thread", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.message

    @property
    def is_active(self):
        return self.withdrawn_at is None and self.expires_at > timezone.now()
