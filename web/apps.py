from django.apps import AppConfig


class WebConfig(AppConfig):
    """Site-wide machinery (web/): no models; registers its system checks."""

    name = "web"

    def ready(self):
        from web import checks  # noqa: F401 (registers them)
