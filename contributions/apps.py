from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    """What each member contributed, per category, kept as rows by the forum's events (a reaction)."""

    name = "contributions"
    verbose_name = _("Contributions")

    def ready(self):
        from contributions import receivers

        receivers.connect()
