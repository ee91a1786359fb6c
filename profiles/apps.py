from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = _("Members and profiles")

    def ready(self):
        from forum.pagecache import bump
        from profiles import events, receivers

        receivers.connect()
        # Badges and profile changes show on profiles and author cards that visitors see.
        events.badge_awarded.connect(bump, dispatch_uid="pagecache.badge_awarded")
        events.profile_updated.connect(bump, dispatch_uid="pagecache.profile_updated")
