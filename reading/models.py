"""What each member has read: per thread, the last post read.

A row is written by reading.tracker (what a page reported as read, a few seconds later), by
the member's own posts (they read the thread up to what they wrote) and by "mark all as read";
pages only read it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReadState(models.Model):
    """How far a member has read a thread.

    `read_at` and `post_id` are the last post read (its created_at and id: posts are in that
    order); `replies_read` is how many visible replies came up to it when it was recorded, so
    that a list shows the unread replies as `thread.reply_count - replies_read` without counting
    posts per thread. A reply hidden by moderators after that makes the figure one lower than it
    should be until the member reads on; never negative.
    """

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey("forum.Thread", on_delete=models.CASCADE, related_name="+")
    post_id = models.BigIntegerField(null=True, blank=True)
    read_at = models.DateTimeField()
    replies_read = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "thread"], name="one_read_state_per_thread")]

    def __str__(self):
        return f"{self.member_id} read thread {self.thread_id} up to post {self.post_id}"


class Watch(models.Model):
    """How a member wants to hear of a category's or a tag's threads (no row: as everyone)."""

    class Level(models.TextChoices):
        WATCHING = "watching", _("Watching")
        TRACKING = "tracking", _("Tracking")
        MUTED = "muted", _("Muted")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("forum.Category", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    tag = models.ForeignKey("taggit.Tag", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    level = models.CharField(max_length=10, choices=Level.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__isnull=False, tag__isnull=True)
                | models.Q(category__isnull=True, tag__isnull=False),
                name="watch_one_category_or_one_tag",
            ),
            models.UniqueConstraint(
                fields=["member", "category"], condition=models.Q(category__isnull=False), name="one_watch_per_category"
            ),
            models.UniqueConstraint(
                fields=["member", "tag"], condition=models.Q(tag__isnull=False), name="one_watch_per_tag"
            ),
        ]
        indexes = [models.Index(fields=["category", "level"], name="watch_category_level")]

    def __str__(self):
        target = f"category {self.category_id}" if self.category_id else f"tag {self.tag_id}"
        return f"{self.member_id} {self.level} {target}"


class MemberFollow(models.Model):
    """A member follows another: what they post and are credited for fills the follower's
    /following/, and their new threads may notify the follower."""

    follower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    followed = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="follow_a_member_once"),
            models.CheckConstraint(condition=~models.Q(follower=models.F("followed")), name="follow_no_one_self"),
        ]
        indexes = [models.Index(fields=["followed", "follower"], name="member_follow_followed")]

    def __str__(self):
        return f"{self.follower_id} follows {self.followed_id}"


class Bookmark(models.Model):
    """A thread (no post) or a post a member keeps, with a note and an optional reminder."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey("forum.Thread", on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey("forum.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)
    remind_at = models.DateTimeField(_("remind me"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "thread"], condition=models.Q(post__isnull=True), name="bookmark_a_thread_once"
            ),
            models.UniqueConstraint(
                fields=["member", "post"], condition=models.Q(post__isnull=False), name="bookmark_a_post_once"
            ),
        ]
        indexes = [
            models.Index(fields=["member", "-created_at"], name="bookmark_member_recent"),
            models.Index(fields=["remind_at"], condition=models.Q(reminded_at__isnull=True), name="bookmark_due"),
        ]

    def __str__(self):
        return (
            f"{self.member_id} keeps {'post ' + str(self.post_id) if self.post_id else 'thread ' + str(self.thread_id)}"
        )

    def get_absolute_url(self):
        return self.post.get_absolute_url() if self.post_id else self.thread.get_absolute_url()
