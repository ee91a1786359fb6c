"""Personal API tokens: a member's key to the JSON API, scoped, revocable, stored hashed.

A token reads `agora_<prefix>_<secret>`: the prefix finds its row, and the row keeps only the
SHA-256 of the whole token (api/services.py). The secret is shown once, when it is made.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", _("Read")
        WRITE = "read+write", _("Read and write")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    # Written at most once a minute per token (api/services.py): a read costs no write otherwise.
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["member", "revoked_at"], name="api_token_member")]

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    @property
    def may_write(self) -> bool:
        return self.scope == self.Scope.WRITE
