"""Private conversations: a member with the brand's team (or, when MEMBER_MESSAGES is on, with
another member).

A conversation with the team belongs to the member and to the team as a whole: any brand
staff member may read it and join it; the staff who wrote in it are its participants.
Moderators read one only while a report on it is open. Nothing here is ever public: no
search index, feed, profile or figure reads these tables.

Cached numbers (message_count, the members' unread_conversations) change only in
conversations/services.py.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Conversation(models.Model):
    class Kind(models.TextChoices):
        TEAM = "team", _("With the team")
        MEMBERS = "members", _("Between members")

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.TEAM)
    subject = models.CharField(_("subject"), max_length=150)
    # The member who talks with the team (team conversations); None between members.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Its topic, for the response target (the category's, as for public questions).
    category = models.ForeignKey("forum.Category", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The public thread it continues, when staff took it private.
    thread = models.ForeignKey("forum.Thread", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now, db_index=True)
    message_count = models.PositiveIntegerField(default=0, editable=False)
    # The staff workspace: who took it, and since when the member waits for the team.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    awaiting_since = models.DateTimeField(null=True, blank=True, db_index=True)
    # Staff were told it passed its topic's response target (once per wait).
    target_breach_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at", "-id"]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("conversations:conversation", args=[self.pk])

    @property
    def is_team(self) -> bool:
        return self.kind == self.Kind.TEAM


class Participant(models.Model):
    """A member in a conversation, with where they stopped reading."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(default=timezone.now)
    # Set when a message by someone else arrives, cleared when the member reads it; the
    # member's unread_conversations counts these rows.
    unread = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "member"], name="one_participant_row")]
        indexes = [models.Index(fields=["member", "conversation"], name="participant_inbox")]

    def __str__(self):
        return f"{self.member_id} in {self.conversation_id}"


class Written(models.Model):
    """Markdown by a member, kept with its sanitized rendering (web.markdown)."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


class Message(Written):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")

    class Meta(Written.Meta):
        indexes = [models.Index(fields=["conversation", "id"], name="message_in_conversation")]

    def __str__(self):
        return f"message {self.pk} in {self.conversation_id}"


class Report(models.Model):
    """A participant asked moderators to look at the conversation, or at one message of it
    (`message`): while it is open, moderators may read the conversation."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="reports")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, null=True, blank=True, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "reporter"],
                condition=models.Q(resolved_at__isnull=True, message__isnull=True),
                name="one_open_conversation_report",
            ),
            models.UniqueConstraint(
                fields=["message", "reporter"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_message_report",
            ),
        ]

    def __str__(self):
        return f"report on conversation {self.conversation_id}"

    def get_absolute_url(self):
        """The conversation, at the reported message when there is one."""
        url = self.conversation.get_absolute_url()
        return f"{url}?message={self.message_id}#message-{self.message_id}" if self.message_id else url


class InternalNote(Written):
    """A note by staff or a moderator on a public thread, for staff and moderators alone.

    Shown on their thread pages after the post that was the thread's latest when it was written;
    never in a feed, the search index, a member's notification, an email, a live push or
    structured data: nothing but conversations/notes.py reads this table for a page.
    """

    thread = models.ForeignKey("forum.Thread", on_delete=models.CASCADE, related_name="+")
    after_post = models.ForeignKey("forum.Post", on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta(Written.Meta):
        indexes = [models.Index(fields=["after_post", "created_at"], name="note_after_post")]

    def __str__(self):
        return f"note {self.pk} on thread {self.thread_id}"


class SavedReply(models.Model):
    """A reply staff write once and insert many times, in one language; placeholders in its body
    ({member}, {me}, {site}) are filled when it is inserted (conversations/saved_replies.py)."""

    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self):
        return self.title


class Block(models.Model):
    """A member who does not want private messages from another: neither may write to the other."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["blocker", "blocked"], name="one_block_per_pair")]

    def __str__(self):
        return f"{self.blocker_id} blocks {self.blocked_id}"
