from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = _("Ideas")

    def ready(self):
        from forum import hooks
        from ideas import events, panel, receivers
        from web.pagecache import bump

        hooks.provide_thread_panel(panel.render, panel.fill)
        receivers.connect()
        # Votes, statuses and merges show on the ideas' pages.
        for name in ("idea_voted", "idea_vote_withdrawn", "idea_status_changed", "idea_merged"):
            getattr(events, name).connect(bump, dispatch_uid=f"pagecache.{name}")
