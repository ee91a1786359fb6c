"""Whole pages, cached for visitors.

Most readers of a community are visitors who arrive from a search engine; the
same thread page is rendered for each of them. A visitor (no session cookie)
gets a copy rendered at most PAGE_TIMEOUT seconds ago for the same address,
language and banner, unless content changed since: every write that shows on
a page bumps one generation number after it commits, and the generation is
part of the key. Members always get a fresh page.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import get_language

GENERATION_KEY = "pagecache:generation"
PAGE_TIMEOUT = 60

# Functions of the request whose result must be part of the key: apps add theirs (the
# announcement banner, for one) in their AppConfig.ready(), as they connect `bump` to the
# events that change what a visitor sees.
_varies = []


def vary_on(function):
    """Register a function(request) -> str that distinguishes cached copies of a page."""
    _varies.append(function)
    return function


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def bump_generation():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there (evicted): any new value starts a new generation
        cache.add(GENERATION_KEY, 1, timeout=None)


def bump(*args, **kwargs):
    """Content changed (a signal receiver). Bumped now, so no page from before is served again,
    and after the commit, so no page rendered in between (from the old rows) is served either."""
    bump_generation()
    transaction.on_commit(bump_generation)


def _cacheable_request(request) -> bool:
    cookies = request.COOKIES
    return (
        settings.PAGE_CACHE
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and not request.user.is_authenticated
    )


def _key(request) -> str:
    parts = [str(generation()), get_language() or "", request.get_full_path(), *(vary(request) for vary in _varies)]
    return "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cache_for_visitors(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            cache.set(key, (response.content, response["Content-Type"]), PAGE_TIMEOUT)
        return response

    return wrapped
