"""Categories, threads, posts and what members do to them.

Cached counters (reply_count, score, thread_count, ...) change only in
forum/services, with F() expressions; `python manage.py recount_forum`
recomputes them from the rows.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from web.addresses import address


class Visibility(models.TextChoices):
    VISIBLE = "visible", _("visible")
    HIDDEN = "hidden", _("hidden by moderators")
    DELETED = "deleted", _("deleted")


def _is_french() -> bool:
    return (get_language() or "").split("-")[0] == "fr"


class Category(models.Model):
    class Kind(models.TextChoices):
        DISCUSSION = "discussion", _("Discussion")
        QUESTIONS = "questions", _("Questions and answers")
        IDEAS = "ideas", _("Ideas")

    class Access(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        STAFF = "staff", _("Staff and moderators only")

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    # The same in French, shown on French pages; empty falls back to the default above.
    name_fr = models.CharField(_("name in French"), max_length=80, blank=True)
    description_fr = models.CharField(_("description in French"), max_length=300, blank=True)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#2454c5",
        help_text=_("Accent colour, as #rrggbb."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.DISCUSSION)
    access = models.CharField(_("access"), max_length=8, choices=Access.choices, default=Access.PUBLIC)
    thread_count = models.PositiveIntegerField(default=0, editable=False)
    post_count = models.PositiveIntegerField(default=0, editable=False)
    response_target_hours = models.PositiveIntegerField(
        _("target time to the first official response (hours)"),
        null=True,
        blank=True,
        help_text=_("Questions waiting longer are flagged for staff. Leave empty for no target."),
    )
    # Questions find their answerers (the answering app): an unanswered question invites the
    # members who know its tags after the first delay, and more of them after the second.
    invite_after_minutes = models.PositiveIntegerField(
        _("invite answerers after (minutes)"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_("A question still unanswered after this invites the members who know its tags best."),
    )
    widen_after_minutes = models.PositiveIntegerField(
        _("invite more answerers after (minutes)"),
        default=120,
        validators=[MinValueValidator(1)],
        help_text=_("Still unanswered after this, more members are invited. Longer than the first delay."),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("forum:category", self.slug)

    def clean(self):
        first, second = self.invite_after_minutes, self.widen_after_minutes
        if first is not None and second is not None and second <= first:
            message = _("The second delay must be longer than the first (%(first)d minutes).") % {"first": first}
            raise ValidationError({"widen_after_minutes": message})

    @property
    def local_name(self) -> str:
        """The name in the page's language (French when given), else the default."""
        return (self.name_fr if _is_french() else "") or self.name

    @property
    def local_description(self) -> str:
        return (self.description_fr if _is_french() else "") or self.description

    @property
    def is_questions(self):
        return self.kind == self.Kind.QUESTIONS

    @property
    def is_ideas(self):
        """A thread here is an idea that members vote for and brand staff answer with a status."""
        return self.kind == self.Kind.IDEAS

    @property
    def is_staff_only(self):
        return self.access == self.Access.STAFF


class Thread(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="threads", verbose_name=_("category"))
    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(max_length=80, allow_unicode=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="threads")
    tags = TaggableManager(_("tags"), blank=True, help_text=_("Up to 5 tags, separated by commas."))
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.VISIBLE)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    last_poster = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reply_count = models.PositiveIntegerField(default=0, editable=False)
    score = models.IntegerField(default=0, editable=False)
    accepted_answer = models.OneToOneField(
        "Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="accepted_in"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    has_official_response = models.BooleanField(default=False)
    first_official_at = models.DateTimeField(null=True, blank=True)
    # The staff workspace: who answers for the brand, or why nobody needs to.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_threads"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    no_response_needed = models.CharField(_("no official response needed because"), max_length=300, blank=True)
    target_breach_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        indexes = [
            models.Index(
                fields=["category", "visibility", "-is_pinned", "-last_activity_at"], name="thread_category_latest"
            ),
            models.Index(fields=["visibility", "-last_activity_at"], name="thread_latest"),
            models.Index(fields=["category", "visibility", "-score"], name="thread_category_top"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return address("forum:thread", self.slug or "t", self.pk)

    @property
    def is_solved(self):
        return self.accepted_answer_id is not None

    @property
    def is_visible(self):
        return self.visibility == Visibility.VISIBLE


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts")
    is_opening = models.BooleanField(default=False, editable=False)
    body = models.TextField(_("message"), max_length=50000)
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    edit_count = models.PositiveIntegerField(default=0, editable=False)
    score = models.IntegerField(default=0, editable=False)
    is_official = models.BooleanField(
        default=False, help_text=_("Written by brand staff: shown as an official response.")
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="endorsements"
    )
    endorsed_at = models.DateTimeField(null=True, blank=True)
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.VISIBLE)
    moderation_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [
            models.Index(fields=["thread", "created_at"], name="post_thread_order"),
            models.Index(fields=["author", "-created_at"], name="post_author_recent"),
            # A profile's best replies: the member's voted posts in score order, without reading the others.
            models.Index(fields=["author", "score", "created_at"], name="post_author_score"),
            # Whether a thread has an answer: a visible reply by someone other than its author
            # (forum.selectors.answers), read from the index alone, whatever the thread's length.
            models.Index(fields=["thread", "visibility", "author", "is_opening"], name="post_thread_answers"),
        ]

    def __str__(self):
        return f"#{self.pk} in {self.thread_id}"

    def get_absolute_url(self):
        return address("forum:post", self.pk)

    @property
    def is_visible(self):
        return self.visibility == Visibility.VISIBLE

    @property
    def is_reply(self):
        return not self.is_opening


class PostRevision(models.Model):
    """What a post said before an edit: who changed it, and when."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    old_title = models.CharField(max_length=150, blank=True)
    new_title = models.CharField(max_length=150, blank=True)
    old_body = models.TextField()
    new_body = models.TextField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"revision of post {self.post_id} by {self.editor_id}"


class Vote(models.Model):
    """A member found a post helpful. A vote on the opening post is a vote on the thread."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "voter"], name="one_vote_per_member")]

    def __str__(self):
        return f"vote by {self.voter_id} on post {self.post_id}"


class Follow(models.Model):
    class Level(models.TextChoices):
        FOLLOWING = "following", _("Following")
        MUTED = "muted", _("Muted")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="follows")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.FOLLOWING)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "member"], name="one_follow_per_member")]

    def __str__(self):
        return f"{self.member_id} {self.level} thread {self.thread_id}"
