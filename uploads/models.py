"""Pictures members upload for their posts, stored re-encoded (uploads/pictures.py).

An upload belongs to its uploader until a post of theirs references it; then to that post,
and whoever may read the post's body may see it. A private message may hold it instead
(`held_by`): then whoever may read the message sees it (uploads/hooks.py), and no post takes
it. One that neither a post nor a message holds is removed a day after it was sent
(`remove_stale_uploads`).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from web.storage import uploads_storage


class Upload(models.Model):
    # The picture's name in addresses: random, so that nobody finds a picture without its post.
    key = models.CharField(_("key"), max_length=32, unique=True, editable=False)
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="uploads", verbose_name=_("sent by")
    )
    post = models.ForeignKey(
        "forum.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="uploads", verbose_name=_("post")
    )
    # The private place that shows it, as "<kind>:<pk>" ("message:12"; uploads/hooks.py), or "".
    # Set once, by services.hold_pictures, and only while no post shows it: a picture is a
    # post's or a private message's, never both.
    held_by = models.CharField(_("held by"), max_length=40, blank=True, default="", editable=False)
    file = models.FileField(_("file"), upload_to="%Y/%m/", storage=uploads_storage, max_length=200)
    # A smaller copy shown in posts; empty when the picture is small enough to be its own.
    thumbnail = models.FileField(
        _("thumbnail"), upload_to="%Y/%m/", storage=uploads_storage, max_length=200, blank=True
    )
    extension = models.CharField(_("extension"), max_length=4)
    content_type = models.CharField(_("content type"), max_length=20)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    thumbnail_width = models.PositiveIntegerField(_("thumbnail width"))
    thumbnail_height = models.PositiveIntegerField(_("thumbnail height"))
    size = models.PositiveIntegerField(_("size"), help_text=_("Bytes, as stored."))
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("picture")
        verbose_name_plural = _("pictures")
        indexes = [
            # remove_stale_uploads: the pictures no post references, oldest first.
            models.Index(fields=["post", "created_at"], name="upload_post_created"),
        ]

    def __str__(self):
        return f"{self.key}.{self.extension}"

    def get_absolute_url(self):
        return reverse("uploads:picture", args=[self.key, self.extension])

    def thumbnail_url(self) -> str:
        if not self.thumbnail:
            return self.get_absolute_url()
        return reverse("uploads:thumbnail", args=[self.key, self.extension])
