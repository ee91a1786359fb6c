from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReadingConfig(AppConfig):
    """What is new for each member: read state, unread counts and the "new" and "unread"
    filters of the forum's lists (given to the forum through forum.hooks)."""

    name = "reading"
    verbose_name = _("Reading")

    def ready(self):
        from forum import hooks
        from reading import marks, receivers, selectors

        receivers.connect()
        hooks.provide_row_marks(marks.fill_rows)
        hooks.provide_thread_panel(marks.render_panel, marks.fill_panel)
        hooks.provide_thread_filter("new", pgettext_lazy("filter: threads", "New"), selectors.new_threads)
        hooks.provide_thread_filter("unread", pgettext_lazy("filter: threads", "Unread"), selectors.unread_threads)
