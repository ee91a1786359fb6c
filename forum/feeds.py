"""Atom and RSS feeds: latest threads, one category's threads, one thread's replies.

Feeds are read by visitors' feed readers, so they show only public content.
"""

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from forum import permissions, selectors
from forum.models import Thread, Visibility

FEED_LENGTH = 30
VISITOR = AnonymousUser()


class LatestThreadsFeed(Feed):
    title = _("Latest threads")
    link = "/"
    description = _("The newest threads in the community.")

    def threads(self):
        return selectors.visible_threads(VISITOR).select_related("author", "category").order_by("-created_at", "-id")

    def items(self):
        return self.threads()[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return ""

    def item_author_name(self, item):
        return item.author.name

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.last_activity_at

    def item_categories(self, item):
        return [item.category.local_name]


class CategoryFeed(LatestThreadsFeed):
    def get_object(self, request, slug):
        return selectors.category_for(VISITOR, slug)

    def title(self, category):
        return category.local_name

    def link(self, category):
        return category.get_absolute_url()

    def description(self, category):
        return category.local_description

    def items(self, category):
        return self.threads().filter(category=category)[:FEED_LENGTH]


class ThreadFeed(Feed):
    def get_object(self, request, slug, thread_id):
        thread = get_object_or_404(Thread.objects.select_related("category"), pk=thread_id)
        permissions.check_can_read_thread(VISITOR, thread)
        return thread

    def title(self, thread):
        return thread.title

    def link(self, thread):
        return thread.get_absolute_url()

    def description(self, thread):
        return _("Replies in “%(title)s”") % {"title": thread.title}

    def items(self, thread):
        return (
            thread.posts.filter(visibility=Visibility.VISIBLE)
            .select_related("author")
            .order_by("-created_at", "-id")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return _("%(name)s replied") % {"name": item.author.name}

    def item_description(self, item):
        return item.body_html

    def item_link(self, item):
        return item.get_absolute_url()

    def item_author_name(self, item):
        return item.author.name

    def item_pubdate(self, item):
        return item.created_at


def atom(feed_class):
    return type(
        f"Atom{feed_class.__name__}", (feed_class,), {"feed_type": Atom1Feed, "subtitle": feed_class.description}
    )
