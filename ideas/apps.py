from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = _("Ideas")

    def ready(self):
        from forum import hooks
        from forum.models import Category
        from ideas import events, panel, receivers
        from ideas.views import browse
        from web.pagecache import bump

        hooks.provide_thread_panel(panel.render, panel.fill)
        hooks.provide_category_page(Category.Kind.IDEAS, browse.category_ideas)
        receivers.connect()
        # Votes, statuses and merges show on the ideas' pages.
        for name in ("idea_voted", "idea_vote_withdrawn", "idea_status_changed", "idea_merged"):
            getattr(events, name).connect(bump, dispatch_uid=f"pagecache.{name}")
