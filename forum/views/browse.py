"""Lists of threads: home, category, tag.

On a member's page each row's link and mark are the reader's own (forum.hooks: read state
marks new threads and unread replies), filled into the shared copy; a filter that depends on
the reader (new, unread) makes the page the reader's own.
"""

import json

from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from forum import hooks, selectors
from forum.permissions import can_start_thread
from web import pagecache
from web.pagecache import shared_page


def _fill_lists(request, fills) -> dict:
    """A member's own parts of a list page: each row's link and mark, and the panels' slots."""
    rows = hooks.fill_row_marks(request, fills["rows"]) if "rows" in fills else {}
    return {**rows, **hooks.fill_list_panels(request, fills)}


def _panels(request, **target):
    return mark_safe(hooks.list_panels(request, **target))  # noqa: S308 (rendered by templates)


def _latest_for(request):
    """What a member left out of their latest list (muted categories and tags): their own page."""
    if not request.user.is_authenticated:
        return []
    exclusions = hooks.latest_exclusions(request.user)
    if exclusions:
        pagecache.personal(request)
    return exclusions


def _reader_filter(request, allowed=()) -> tuple[str, object]:
    """The filter asked for, and the reader's own filter function when it is one (else None)."""
    name = request.GET.get("filter", "latest")
    if request.user.is_authenticated and (apply := hooks.thread_filter(name)) is not None:
        pagecache.personal(request)
        return name, apply
    return (name if name in allowed else "latest"), None


def _member_filters(request) -> list:
    return hooks.thread_filters() if request.user.is_authenticated else []


# The lists on which a thread started since the page loaded comes first.
NEWEST_FIRST = ("latest", "unanswered", "new")


def _new_threads(threads, filter: str, **shows) -> dict | None:
    """What an open list page is told of new threads for (`shows`: home, a category's pk or a
    tag's slug, as static/js/marks.js sends it to the socket) and the words of its notice; None
    where new threads would not come first (a later page; solved, top, unread threads). The same
    for every reader: the socket decides who hears of which thread."""
    if threads.number != 1 or filter not in NEWEST_FIRST:
        return None
    words = ("%(count)s new thread — show", "%(count)s new threads — show")
    return {
        "shows": json.dumps(shows),
        "one": ngettext(*words, 1) % {"count": 1},
        # The count is put in by the script: the site's languages say every count above one alike.
        "many": ngettext(*words, 2),
    }


@shared_page(fill=_fill_lists)
def home(request):
    filter, apply = _reader_filter(request)
    page = selectors.home_page(request.user, request.GET.get("page"), only=apply, leave_out=_latest_for(request))
    return render(
        request,
        "forum/home.html",
        {
            "categories": page.categories,
            "threads": page.threads,
            "filter": filter,
            "member_filters": _member_filters(request),
            "list_panel": _panels(request),
            "new_threads": _new_threads(page.threads, filter, home=True),
        },
    )


@shared_page(fill=_fill_lists)
def category(request, slug):
    category = selectors.category_for(request.user, slug)
    own_page = hooks.category_page(category.kind)
    if own_page is not None:
        return own_page(request, category)
    filters = [f for f in selectors.THREAD_FILTERS if f != "awaiting" or category.is_questions]
    filter, apply = _reader_filter(request, filters)
    threads = selectors.category_threads(
        category, request.user, filter=filter, page_number=request.GET.get("page"), only=apply
    )
    return render(
        request,
        "forum/category.html",
        {
            "category": category,
            "threads": threads,
            "filter": filter,
            "member_filters": _member_filters(request),
            "list_panel": _panels(request, category=category),
            "can_start": can_start_thread(request.user, category),
            "new_threads": _new_threads(threads, filter, category=category.pk),
        },
    )


@shared_page(fill=_fill_lists)
def tag(request, slug):
    threads = selectors.tag_threads(slug, request.user, request.GET.get("page"))
    # A tag exists for a reader only through a thread they may read: one used only in
    # staff-only threads answers exactly like a tag never used, so its name tells nothing.
    found = threads.paginator.count > 0
    panel = _panels(request, tag=slug) if found else ""
    new_threads = _new_threads(threads, "latest", tag=slug) if found else None
    context = {"slug": slug, "threads": threads, "list_panel": panel, "new_threads": new_threads}
    return render(request, "forum/tag.html", context, status=200 if found else 404)
