"""The official-response queue."""

from datetime import timedelta

from django.core.paginator import Paginator
from django.utils import timezone

from forum.models import Category
from forum.permissions import readable_accesses
from forum.selectors import with_tags
from forum.services.staff import awaiting_official_response

PER_PAGE = 25
SCOPES = ("all", "mine", "unassigned")


def queue(viewer, *, scope="all", category="", tag="", page_number=1):
    threads = awaiting_official_response().filter(category__access__in=readable_accesses(viewer))
    if scope == "mine":
        threads = threads.filter(assignee=viewer)
    elif scope == "unassigned":
        threads = threads.filter(assignee__isnull=True)
    if category:
        threads = threads.filter(category__slug=category)
    if tag:
        threads = threads.filter(tags__slug=tag)
    threads = with_tags(threads.select_related("category", "author", "assignee")).order_by("created_at", "id")
    page = Paginator(threads, PER_PAGE).get_page(page_number)
    now = timezone.now()
    for thread in page.object_list:
        thread.age = now - thread.created_at
        target = thread.category.response_target_hours
        thread.past_target = target is not None and thread.age > timedelta(hours=target)
    return page


def queue_count() -> int:
    return awaiting_official_response().count()


def question_categories(viewer):
    return Category.objects.filter(kind=Category.Kind.QUESTIONS, access__in=readable_accesses(viewer))
