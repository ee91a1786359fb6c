from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = _("Members and profiles")

    def ready(self):
        from profiles import events, receivers
        from web.pagecache import bump

        receivers.connect()
        # Profile changes show on profiles and author cards that visitors see.
        events.profile_updated.connect(bump, dispatch_uid="pagecache.profile_updated")
