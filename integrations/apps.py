from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    """Signed webhooks: the domain events queued as deliveries for the endpoints admins chose,
    sent by the `deliver_webhooks` worker after the commit."""

    name = "integrations"
    verbose_name = _("Integrations")

    def ready(self):
        from integrations import receivers

        receivers.connect()
