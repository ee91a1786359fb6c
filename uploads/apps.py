from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UploadsConfig(AppConfig):
    name = "uploads"
    verbose_name = _("Pictures")

    def ready(self):
        from forum import hooks
        from uploads import receivers, selectors

        hooks.provide_pictures(selectors.pictures)
        receivers.connect()
