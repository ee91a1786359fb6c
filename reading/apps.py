from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReadingConfig(AppConfig):
    """What is new for each member: read state, unread counts and the "new" and "unread"
    filters of the forum's lists, watching categories and tags (given to the forum, and through
    it to notifications, through forum.hooks)."""

    name = "reading"
    verbose_name = _("Reading")

    def ready(self):
        from forum import hooks
        from profiles import hooks as profile_hooks
        from reading import bookmarks, following, marks, panels, receivers, selectors, watching

        receivers.connect()
        hooks.provide_row_marks(marks.fill_rows)
        hooks.provide_thread_panel(marks.render_panel, marks.fill_panel)
        hooks.provide_list_panel(panels.render, panels.fill)
        hooks.provide_latest_exclusion(watching.muted_q)
        hooks.provide_new_thread_audience(watching.watchers)
        hooks.provide_new_thread_audience(following.followers_of_author)
        profile_hooks.provide_profile_panel(following.render_panel, following.fill_panel)
        hooks.provide_author_follows(followed=following.followed_among, buttons=following.author_buttons)
        hooks.provide_due_reminders(bookmarks.claim_due_reminders)
        hooks.provide_thread_filter("new", pgettext_lazy("filter: threads", "New"), selectors.new_threads)
        hooks.provide_thread_filter("unread", pgettext_lazy("filter: threads", "Unread"), selectors.unread_threads)
