from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo community and `manage.py seed_demo`: at the top, it uses every app's services."""

    name = "demo"
    verbose_name = _("Demo community")
