"""Atom and RSS feeds of ideas' statuses: each item is a status brand staff set, with their note.

Feeds are read by visitors' feed readers, so they show only what a visitor may read: ideas in
public categories, in visible threads, and notes that are visible (a note hidden or deleted by
moderators leaves the feed with it). Built like forum/feeds.py, whose reading rule they reuse.
"""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from forum.feeds import FEED_LENGTH, VISITOR, atom
from forum.models import Visibility
from forum.permissions import readable_threads_q
from ideas.models import StatusChange


class StatusChangesFeed(Feed):
    title = _("Ideas: new statuses")
    link = reverse_lazy("ideas:list")
    description = _("Each status the brand gives an idea, with the note that says why.")

    def items(self):
        return (
            StatusChange.objects.filter(
                readable_threads_q(VISITOR, prefix="idea__thread__"), note__visibility=Visibility.VISIBLE
            )
            .select_related("idea__thread__category", "note", "by")
            .order_by("-created_at", "-id")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return _("%(title)s: %(status)s") % {"title": item.idea.thread.title, "status": item.get_status_display()}

    def item_description(self, item):
        return item.note.body_html

    def item_link(self, item):
        return item.note.get_absolute_url()

    def item_author_name(self, item):
        return item.by.name if item.by else None

    def item_pubdate(self, item):
        return item.created_at

    def item_categories(self, item):
        return [item.idea.thread.category.local_name]


AtomStatusChangesFeed = atom(StatusChangesFeed)
