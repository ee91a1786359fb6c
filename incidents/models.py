"""Incidents: the brand's one place to answer when something goes wrong for many at once.

Rows change only in incidents/services.py.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag


class Status(models.TextChoices):
    INVESTIGATING = "investigating", _("Investigating")
    IDENTIFIED = "identified", _("Identified")
    FIXING = "fixing", _("Fixing")
    RESOLVED = "resolved", _("Resolved")


def _in_language(english: str, french: str) -> str:
    """The text written for the reader's language, else the other one (staff may write one)."""
    if (get_language() or "").startswith("fr"):
        return french or english
    return english or french


class Incident(models.Model):
    """An incident, declared by brand staff: its thread (pinned while it lasts) is the single
    source of truth, where each update is an official response."""

    title = models.CharField(_("title"), max_length=150, blank=True)
    title_fr = models.CharField(_("title in French"), max_length=150, blank=True)
    statement = models.TextField(_("statement"), max_length=5000, blank=True)
    statement_fr = models.TextField(_("statement in French"), max_length=5000, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.INVESTIGATING)
    thread = models.OneToOneField("forum.Thread", on_delete=models.PROTECT, related_name="incident")
    categories = models.ManyToManyField("forum.Category", blank=True, related_name="+", verbose_name=_("categories"))
    tags = models.ManyToManyField(Tag, blank=True, related_name="+", verbose_name=_("tags"))
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # When the trouble began as the forum saw it: the first concerned thread (linked or adopted),
    # else the declaration. "Time to first statement" is declared_at minus this.
    started_at = models.DateTimeField(default=timezone.now)
    declared_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-declared_at", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self):
        return self.title or self.title_fr

    def get_absolute_url(self):
        return reverse("incidents:incident", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status != Status.RESOLVED

    @property
    def local_title(self) -> str:
        return _in_language(self.title, self.title_fr)

    @property
    def local_statement(self) -> str:
        return _in_language(self.statement, self.statement_fr)


class Update(models.Model):
    """One status update, posted in the incident's thread as an official response (`post`)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=16, choices=Status.choices)
    body = models.TextField(max_length=5000, blank=True)
    body_fr = models.TextField(max_length=5000, blank=True)
    post = models.OneToOneField("forum.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["incident", "-created_at"], name="incident_update_latest")]

    def __str__(self):
        return f"{self.incident_id}: {self.status}"

    @property
    def local_body(self) -> str:
        return _in_language(self.body, self.body_fr)


class Link(models.Model):
    """A thread about the incident, pointed to it (or merged into it: closed, its followers moved)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="links")
    thread = models.OneToOneField("forum.Thread", on_delete=models.CASCADE, related_name="incident_link")
    merged = models.BooleanField(default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.thread_id} → {self.incident_id}"
