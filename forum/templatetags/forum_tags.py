import difflib
from typing import NamedTuple

from django import template

from forum import rendering

register = template.Library()


@register.simple_tag
def reltime(value):
    """A relative time ("3 hours ago") with the exact time on hover and in the markup."""
    return rendering.relative_time(value)


@register.simple_tag(takes_context=True)
def post_article(context, post):
    """A post as the reader sees it (forum/rendering.py: rendered once, shared between readers)."""
    return rendering.article(context, post)


@register.simple_tag(takes_context=True)
def post_list(context, posts):
    """A page of posts (forum/rendering.py), in one tag rather than a loop of them."""
    return rendering.post_list(context, posts)


@register.simple_tag(takes_context=True)
def thread_row(context, thread):
    """A thread in a list (forum/rendering.py: rendered once, shared between readers)."""
    return rendering.thread_row(context, thread)


@register.simple_tag
def line_diff(old, new):
    """Line-by-line changes between two texts, as (kind, line) pairs: kind is "add", "del" or "same"."""
    rows = []
    for line in difflib.ndiff((old or "").splitlines(), (new or "").splitlines()):
        code, text = line[:2], line[2:]
        if code == "? ":
            continue
        rows.append(({"+ ": "add", "- ": "del"}.get(code, "same"), text))
    return rows


@register.filter
def in_set(value, collection):
    return value in collection


@register.simple_tag(takes_context=True)
def pagination(context, page, parameter=""):
    """A list's page links (includes/pagination.html): the previous and next pages' addresses,
    and for each number shown around the current one (Paginator.ELLIPSIS where some are left
    out) a Link. Each address is the current one with ?page= (or another `parameter`) set,
    keeping the other query parameters; the query is copied once for them all."""
    parameter = parameter or "page"
    query = context["request"].GET.copy()

    def address(number) -> str:
        query[parameter] = number
        return "?" + query.urlencode()

    paginator, current = page.paginator, page.number
    numbers = paginator.get_elided_page_range(current, on_each_side=2, on_ends=1)
    return PageLinks(
        previous=address(current - 1) if current > 1 else "",
        next=address(current + 1) if current < paginator.num_pages else "",
        numbers=[
            Link(number, "" if number == current else address(number)) if isinstance(number, int) else GAP
            for number in numbers
        ],
    )


class Link(NamedTuple):
    number: int | str
    url: str  # "" for the current page


class PageLinks(NamedTuple):
    previous: str
    next: str
    numbers: list[Link]


GAP = Link("", "")
