"""Invitations to answer a question, the rounds that sent them, and each member's choices.

Rows change only in answering/services.py.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from answering.conf import DAILY_CAP_MAX


class Round(models.IntegerChoices):
    FIRST = 1, _("first invitations")
    WIDER = 2, _("a wider circle")


class Invitation(models.Model):
    """A member was asked to answer a question: once per question and member.

    `answered_post` is the member's first reply to the question after the invitation
    (answering.receivers), so that "invitations sent vs answered" reads these rows only.
    """

    thread = models.ForeignKey("forum.Thread", on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="answering_invitations", db_index=False
    )
    round = models.PositiveSmallIntegerField(choices=Round.choices)
    sent_at = models.DateTimeField(default=timezone.now)
    answered_post = models.ForeignKey("forum.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "member"], name="invitation_once_per_member")]
        indexes = [
            # A member's invitations of the last 24 hours, for their daily cap.
            models.Index(fields=["member", "sent_at"], name="invitation_member_recent"),
            # Invitations sent in a period (the staff figures).
            models.Index(fields=["sent_at"], name="invitation_sent"),
        ]

    def __str__(self):
        return f"{self.member_id} invited to {self.thread_id} (round {self.round})"


def answer_accepted() -> Q:
    """Invitations whose member's answer was accepted: the question's accepted answer is theirs.

    An invitation goes only to members who had not replied to the question, so their answer came
    after it. Official responses are the brand's job: they never count. The badge "Came to help"
    (answering.badges) and the staff figures read this one rule.
    """
    return Q(thread__accepted_answer__author=F("member"), thread__accepted_answer__is_official=False)


class InvitationRound(models.Model):
    """A round of invitations ran for a question: each round runs once, even when it found nobody
    to invite, so that a run of invite_answerers reads only the questions still due."""

    thread = models.ForeignKey("forum.Thread", on_delete=models.CASCADE, related_name="+")
    round = models.PositiveSmallIntegerField(choices=Round.choices)
    ran_at = models.DateTimeField()
    invited = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "round"], name="invitation_round_once")]

    def __str__(self):
        return f"round {self.round} for {self.thread_id}: {self.invited} invited"


class AnsweringPreference(models.Model):
    """How a member wants to be invited. No row: invited, under every tag they know, at the site's cap."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="answering_preference"
    )
    invitations = models.BooleanField(_("invite me to answer questions"), default=True)
    # Empty: every tag the member knows about.
    tags = models.ManyToManyField(Tag, blank=True, related_name="+", verbose_name=_("only under these tags"))
    # Empty: the site's cap (ANSWERING_DAILY_CAP).
    daily_cap = models.PositiveSmallIntegerField(
        _("invitations a day at most"), null=True, blank=True, validators=[MaxValueValidator(DAILY_CAP_MAX)]
    )

    def __str__(self):
        return f"answering preferences of {self.member_id}"
