from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReputationConfig(AppConfig):
    """The reputation ledger, badges and the leaderboard: a reaction to the forum's events."""

    name = "reputation"
    verbose_name = _("Reputation and badges")

    def ready(self):
        from reputation import events, receivers
        from web.pagecache import bump

        receivers.connect()
        # Badges show on profiles and author cards that visitors see.
        events.badge_awarded.connect(bump, dispatch_uid="pagecache.badge_awarded")
