"""Lists of threads: home, category, tag."""

from django.shortcuts import render

from forum import hooks, selectors
from forum.permissions import can_start_thread
from web.pagecache import shared_page


@shared_page
def home(request):
    page = selectors.home_page(request.user, request.GET.get("page"))
    return render(request, "forum/home.html", {"categories": page.categories, "threads": page.threads})


@shared_page
def category(request, slug):
    category = selectors.category_for(request.user, slug)
    own_page = hooks.category_page(category.kind)
    if own_page is not None:
        return own_page(request, category)
    filter = request.GET.get("filter", "latest")
    if filter not in selectors.THREAD_FILTERS or (filter == "awaiting" and not category.is_questions):
        filter = "latest"
    threads = selectors.category_threads(category, request.user, filter=filter, page_number=request.GET.get("page"))
    return render(
        request,
        "forum/category.html",
        {
            "category": category,
            "threads": threads,
            "filter": filter,
            "can_start": can_start_thread(request.user, category),
        },
    )


@shared_page
def tag(request, slug):
    threads = selectors.tag_threads(slug, request.user, request.GET.get("page"))
    # A tag exists for a reader only through a thread they may read: one used only in
    # staff-only threads answers exactly like a tag never used, so its name tells nothing.
    found = threads.paginator.count > 0
    return render(request, "forum/tag.html", {"slug": slug, "threads": threads}, status=200 if found else 404)
