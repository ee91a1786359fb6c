from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = _("Members and profiles")

    def ready(self):
        from profiles import events, receivers, roles
        from web.pagecache import bump, share_with_members

        receivers.connect()
        # Profile changes show on profiles and author cards that visitors see.
        events.profile_updated.connect(bump, dispatch_uid="pagecache.profile_updated")
        # Members who take part with no role share their pages' copies (web/pagecache.py).
        share_with_members(lambda member: roles.can_post(member) and not roles.sees_staff_areas(member))
