from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from forum.selectors import readable_categories
from search import selectors


def search(request):
    filters = selectors.Filters.from_query(request.GET)
    categories = list(readable_categories(request.user))
    found = (
        selectors.search(request.user, filters, request.GET.get("page")) if filters.q and not filters.errors else None
    )
    return render(
        request,
        "search/search.html",
        {
            "filters": filters,
            "page": found.page if found else None,
            "some_words": found.some_words if found else False,
            "categories": categories,
            "sorts": selectors.SORTS,
            # Offered where there are ideas to filter.
            "statuses": selectors.STATUSES if any(c.is_ideas for c in categories) else (),
        },
        status=400 if filters.errors else 200,
    )


def similar(request):
    """Threads like the title being typed (for the new-thread form's suggestions)."""
    title = (request.GET.get("title") or "")[:150]
    threads = selectors.similar_threads(request.user, title) if len(title) >= 4 else []
    return JsonResponse(
        {
            "heading": _("Similar threads"),
            "threads": [
                {
                    "title": t.title,
                    "url": t.get_absolute_url(),
                    "solved": t.accepted_answer_id is not None,
                    "replies": t.reply_count,
                }
                for t in threads
            ],
        }
    )
