from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UploadsConfig(AppConfig):
    name = "uploads"
    verbose_name = _("Pictures")

    def ready(self):
        from config.health import readiness_check
        from forum import hooks
        from uploads import receivers, selectors, services

        hooks.provide_pictures(selectors.pictures)
        receivers.connect()
        readiness_check("pictures", services.readiness)
