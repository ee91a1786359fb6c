from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from forum.pagecache import vary_on
        from notifications import announcements, receivers

        receivers.connect()
        vary_on(announcements.page_key)
