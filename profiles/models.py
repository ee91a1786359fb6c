from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from web.prepared import Prepared


class MemberManager(UserManager):
    """Django's manager of users, with `get(pk=…)` as a prepared read (web/prepared.py):
    Django's authentication loads the request's member that way on every request of a signed-in
    member. Any other `get` is the ORM's, unchanged."""

    def get(self, *args, **kwargs):
        if args or kwargs.keys() != {"pk"} or kwargs["pk"] is None or self.db != _MEMBER.using:
            return super().get(*args, **kwargs)
        pk = self.model._meta.pk.get_prep_value(kwargs["pk"])  # a bad key fails as the ORM's does
        rows = _MEMBER.rows(pk=pk)
        if not rows:
            raise self.model.DoesNotExist(f"{self.model._meta.object_name} matching query does not exist.")
        return self.model.from_db(self.db, _MEMBER_FIELDS, rows[0])


class Member(AbstractUser):
    """A member of the community: identity, role and the cached figures an author card shows.

    Roles combine: brand staff (official responders) may also be moderators.
    Admins are Django superusers. Role checks live in profiles/roles.py.
    """

    # What an author card shows (profiles/_avatar.html, _flair.html, _author_standing.html, the
    # name): lists of posts load only these of each author, not the account's other columns.
    CARD_FIELDS = (
        "username",
        "display_name",
        "avatar",
        "is_brand_staff",
        "staff_title",
        "is_moderator",
        "reputation",
        "gold_badges",
        "silver_badges",
        "bronze_badges",
        "is_active",  # a deactivated account's card offers no one to follow
    )

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
    # Private conversations with something unread, for the header (kept by conversations/services.py,
    # so that every page shows it without a query).
    unread_conversations = models.PositiveIntegerField(default=0, editable=False)

    objects = MemberManager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self):
        return self.username

    @property
    def name(self):
        return self.display_name or self.username

    @property
    def avatar_name(self) -> str:
        """The avatar's file name as stored: reading `avatar` makes a file object on first access,
        which cost more than the rest of an author card's key (forum/rendering.py) together."""
        try:
            value = self.__dict__["avatar"]
        except KeyError:  # not loaded: the descriptor loads it
            value = self.avatar
        return getattr(value, "name", value) or ""

    @property
    def initials(self):
        words = self.name.split()
        letters = "".join(word[0] for word in words[:2]) if len(words) > 1 else self.name[:2]
        return letters.upper()

    @property
    def is_suspended(self):
        return self.suspended_until is not None and self.suspended_until > timezone.now()


_MEMBER_FIELDS = [field.attname for field in Member._meta.concrete_fields]
_MEMBER = Prepared(lambda pk: Member.objects.filter(pk=pk).values_list(*_MEMBER_FIELDS))
