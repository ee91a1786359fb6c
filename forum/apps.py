from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = _("Forum")

    def ready(self):
        from forum import pagecache
        from web import cache

        pagecache.connect()
        # Posts written during a Redis outage bumped only each process's own generation.
        cache.on_recovered(pagecache.bump_generation)
