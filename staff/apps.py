from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """The staff workspace: pages that gather across the forum, moderation and notifications.

    It sits above the other apps (DESIGN.md's fourth layer), which is why it is
    an app of its own: no lower app may import moderation and notifications together.
    """

    name = "staff"
    verbose_name = _("Staff workspace")

    def ready(self):
        from staff import receivers

        receivers.connect()
