import difflib
import json

from django import template
from django.utils.safestring import mark_safe

from forum import rendering

register = template.Library()

# The same escapes as Django's json_script: nothing in the data can close the <script>.
_JSON_ESCAPES = ((">", "\\u003E"), ("<", "\\u003C"), ("&", "\\u0026"))


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


@register.simple_tag(takes_context=True)
def before_post(context, post):
    """What starts before a reply for the reader (forum/rendering.py: a slot of a member's page)."""
    return rendering.before_post(context, post)


@register.filter
def json_ld(data):
    """schema.org data as a <script type="application/ld+json"> element."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    for character, escaped in _JSON_ESCAPES:  # str.replace: a page's JSON is tens of kilobytes
        text = text.replace(character, escaped)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 (escaped above)


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


@register.simple_tag(takes_context=True)
def page_url(context, number, parameter="page"):
    """The current URL with ?page= (or another `parameter`) set, keeping the other query parameters."""
    query = context["request"].GET.copy()
    query[parameter or "page"] = number
    return "?" + query.urlencode()


@register.filter
def in_set(value, collection):
    return value in collection


@register.simple_tag
def elided_pages(page):
    """Page numbers around the current one, with Paginator.ELLIPSIS where some are left out."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
