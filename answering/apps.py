from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnsweringConfig(AppConfig):
    """Questions find their answerers: invitations to the members who know a question's
    tags, and /answer/, the open questions in a member's areas of expertise."""

    name = "answering"
    verbose_name = _("Answering")

    def ready(self):
        from answering import badges, receivers
        from reputation import badges as reputation_badges

        receivers.connect()
        reputation_badges.provide_answered_invitations(badges.answered_invitations)
