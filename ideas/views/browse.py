"""The lists of ideas: /ideas/ with its filters and sorts, and /roadmap/.

Both are the same for every reader of a class (visitors, members with no role), so they are
served from the shared page cache (web/pagecache.py), which votes and statuses renew.
"""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from forum import selectors as forum_selectors
from forum.permissions import can_start_thread
from ideas import selectors
from ideas.models import Status
from web.pagecache import shared_page

SORT_LABELS = {
    "top": pgettext_lazy("ideas sorted by their votes", "Top"),
    "trending": _("Trending"),
    "newest": _("Newest"),
    "updated": _("Recently updated"),
}


@shared_page
def ideas(request):
    return _list(request, selectors.Filters.read(request.user, request.GET))


def category_ideas(request, category):
    """An ideas category's own page (/c/<slug>/, forum.hooks): its ideas, as /ideas/ lists them."""
    return _list(request, selectors.Filters.read(request.user, request.GET, category=category), category=category)


def _list(request, filters, *, category=None):
    page = selectors.idea_list(request.user, filters, request.GET.get("page"))
    context = {
        "category": category,
        "show_category": category is None,
        "ideas": page,
        "filters": filters,
        "statuses": Status.choices,
        "sorts": [(sort, SORT_LABELS[sort], _query(filters, sort=sort)) for sort in selectors.SORTS],
        "every_tag_url": _query(filters, tag=""),
        "propose_in": _propose_in(request, filters),
    }
    return render(request, "ideas/list.html", context)


@shared_page
def roadmap(request):
    columns = selectors.roadmap(request.user)
    return render(request, "ideas/roadmap.html", {"columns": columns, "done_days": selectors.ROADMAP_DONE_DAYS})


@shared_page
def voters(request, thread_id):
    thread = forum_selectors.thread_for(request.user, thread_id)
    if not thread.category.is_ideas:
        raise Http404
    page = forum_selectors.paginate(selectors.voters_of(thread.pk), request.GET.get("page"), selectors.VOTERS_PER_PAGE)
    return render(request, "ideas/voters.html", {"thread": thread, "votes": page})


def _query(filters, **changes) -> str:
    """This list's URL with some filters changed (and back to its first page)."""
    chosen = {
        "status": filters.status,
        "category": filters.category.slug if filters.category and len(filters.categories) > 1 else "",
        "tag": filters.tag,
        "sort": filters.sort,
        **changes,
    }
    return "?" + urlencode({name: value for name, value in chosen.items() if value})


def _propose_in(request, filters):
    """The category a new idea goes to from this page: the one shown, else the first the reader
    may post in; None when there is none (a visitor is sent to log in)."""
    categories = [filters.category] if filters.category else filters.categories
    return next((c for c in categories if can_start_thread(request.user, c)), None)
