from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from config.health import readiness_check
        from notifications import announcements, header, health, liveness, receivers
        from web import channel_layer
        from web.pagecache import fill_menu_with, vary_on

        receivers.connect()
        vary_on(announcements.page_key, reads=[announcements.CACHE_KEY])
        fill_menu_with(header.member_menu)
        channel_layer.on_reconnect(liveness.resync_all)
        readiness_check("email_queue", health.readiness, needs_database=True)
