from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from config.health import readiness_check
        from forum import hooks
        from search import health, receivers, selectors

        receivers.connect()
        hooks.provide_related_threads(selectors.related_threads)
        readiness_check("search", health.readiness, needs_database=True)
