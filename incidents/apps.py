from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    """When something goes wrong: brand staff declare an incident, answer in one pinned thread,
    and every page shows a banner until it is resolved."""

    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self):
        from forum import events, hooks
        from incidents import banner, hint, selectors
        from web.pagecache import vary_on

        vary_on(banner.page_key, reads=[banner.CACHE_KEY], first=True)
        hooks.provide_composer_note(hint.composer_note)
        # An incident's thread is the brand's statement and its updates, not a question.
        hooks.provide_statement(selectors.is_incident_thread)
        # The banner names the incident's thread: it is read again when the thread may have
        # left the public's sight (moved, its opening post hidden) or come back.
        events.thread_changed.connect(banner.on_thread_changed, dispatch_uid="incidents.banner.thread_changed")
        events.post_visibility_changed.connect(
            banner.on_post_visibility_changed, dispatch_uid="incidents.banner.post_visibility_changed"
        )
