"""The site's own addresses for objects a page links to many times, reversed once each.

Django's `reverse` walks the URL patterns and checks the result against a regular expression on
each call: 20-40 µs, which a thread page paid for each of its tags, related threads and posts'
links. An address depends only on the view's name, its arguments, the URL configuration and the
script prefix the site is served under, so it is kept under all four, for a bounded number of
addresses (oldest out first).
"""

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse

CAPACITY = 20_000  # addresses kept per process: a megabyte or two


def address(viewname: str, *args) -> str:
    """`reverse(viewname, args=args)`, kept; args are ints and strings."""
    return _reversed(viewname, args, get_script_prefix(), get_urlconf())


def address_in(viewname: str, args: tuple, current_app: str | None) -> str:
    """`reverse(viewname, args=args, current_app=current_app)`, kept, as templates' {% url %}
    asks for it (web/urltag.py)."""
    return _reversed(viewname, args, get_script_prefix(), get_urlconf(), current_app)


@lru_cache(maxsize=CAPACITY)
def _reversed(viewname: str, args: tuple, _prefix: str, urlconf, current_app: str | None = None) -> str:
    return reverse(viewname, args=args, urlconf=urlconf, current_app=current_app)
