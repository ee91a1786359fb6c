"""Reports, and the audit log of every moderator, staff and admin action."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Report(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        ABUSE = "abuse", _("Abuse or harassment")
        OFF_TOPIC = "off_topic", _("Off-topic")
        NEEDS_STAFF = "needs_staff", _("Needs a staff answer")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made")
    # What is reported: "post:<id>", "thread:<id>" or "member:<id>"; reports on one target group together.
    target = models.CharField(max_length=40, db_index=True)
    post = models.ForeignKey("forum.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    thread = models.ForeignKey("forum.Thread", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="reports_received"
    )
    reason = models.CharField(max_length=12, choices=Reason.choices)
    text = models.CharField(_("details"), max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "target"], condition=models.Q(status="open"), name="one_open_report_per_target"
            )
        ]
        indexes = [models.Index(fields=["status", "target", "created_at"], name="report_queue")]

    def __str__(self):
        return f"{self.reason} on {self.target} by {self.reporter_id}"


class Action(models.Model):
    """One line of the audit log. Written by moderation services only; never edited."""

    class Kind(models.TextChoices):
        DISMISS = "dismiss", _("Dismissed reports")
        HIDE = "hide", _("Hid a post")
        AUTO_HIDE = "auto_hide", _("Hid a post automatically after reports")
        RESTORE = "restore", _("Restored a post")
        DELETE = "delete", _("Deleted a post")
        UNDELETE = "undelete", _("Restored a deleted post")
        EDIT = "edit", _("Edited a post")
        LOCK = "lock", _("Locked a thread")
        UNLOCK = "unlock", _("Unlocked a thread")
        PIN = "pin", _("Pinned a thread")
        UNPIN = "unpin", _("Unpinned a thread")
        MOVE = "move", _("Moved a thread")
        WARN = "warn", _("Warned a member")
        SUSPEND = "suspend", _("Suspended a member")
        UNSUSPEND = "unsuspend", _("Lifted a suspension")
        ROLE = "role", _("Changed a role")
        ENDORSE = "endorse", _("Endorsed a reply")
        UNENDORSE = "unendorse", _("Withdrew an endorsement")
        ACCEPT = "accept", _("Accepted an answer for the asker")
        UNACCEPT = "unaccept", _("Cleared an accepted answer for the asker")
        IDEA_STATUS = "idea_status", _("Set an idea's status")
        IDEA_MERGED = "idea_merged", _("Merged an idea into another")
        READ_CONVERSATION = "read_private", _("Opened a private conversation in the admin")
        CLOSE_REPORT = "close_report", _("Closed the reports on a private conversation")
        READ_REPORTED = "read_report", _("Read a reported private conversation")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="moderation_actions"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    target = models.CharField(max_length=40, blank=True)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_history",
        help_text=_("The member the action concerns (the post's author, or the member acted upon)."),
    )
    post = models.ForeignKey("forum.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    thread = models.ForeignKey("forum.Thread", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.CharField(max_length=1000, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["actor", "-created_at"], name="action_by_actor"),
            models.Index(fields=["member", "-created_at"], name="action_by_member"),
        ]

    def __str__(self):
        return f"{self.kind} {self.target} by {self.actor_id}"
