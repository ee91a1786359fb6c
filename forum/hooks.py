"""What the forum asks of the apps above it, without importing them.

Content sits below the reactions (DESIGN.md, "Layout"): where a page of the forum shows
something only a reaction knows, the reaction provides it here in its AppConfig.ready(),
and the forum does without when none does. Posting limits take the other road: moderation
listens to forum.events.post_attempted and may refuse.
"""

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

_related_threads: Callable | None = None


def provide_related_threads(function: Callable):
    """function(viewer, thread) -> a short list of threads like it that the viewer may read."""
    global _related_threads
    _related_threads = function
    return function


def related_threads(viewer, thread) -> list:
    """Threads like this one; a failure (a broken search index) costs the reader this list,
    never the page."""
    if _related_threads is None:
        return []
    try:
        return list(_related_threads(viewer, thread))
    except Exception:
        log.warning("related threads unavailable for thread %s", thread.pk, exc_info=True)
        return []


_thread_panels: list[tuple[Callable, Callable]] = []


def provide_thread_panel(render: Callable, fill: Callable):
    """A part of the thread page's head that an app above the forum shows (an idea's status and
    votes). render(request, thread) -> HTML or "" is rendered with the page, into the copy
    that members share; fill(request, fills) -> {slot name: part} makes the reader's own slots
    of it, from what render recorded in request.shared_page.fills (web/pagecache.py)."""
    _thread_panels.append((render, fill))


def thread_panels(request, thread) -> str:
    return "".join(render(request, thread) for render, _fill in _thread_panels)


def fill_thread_panels(request, fills: dict) -> dict:
    parts = {}
    for _render, fill in _thread_panels:
        parts.update(fill(request, fills))
    return parts


_category_pages: dict[str, Callable] = {}


def provide_category_page(kind: str, view: Callable):
    """The page of the categories of one kind, when an app above the forum shows them its own way
    (an ideas category lists its ideas by votes and status). view(request, category) -> response,
    for a category the reader may read."""
    _category_pages[kind] = view


def category_page(kind: str) -> Callable | None:
    return _category_pages.get(kind)


_pictures: Callable | None = None


def provide_pictures(function: Callable):
    """function(addresses: set[str]) -> {address: web.markdown.Picture} for the site's own
    pictures among the images of a message (uploads). Without it, every image is a link."""
    global _pictures
    _pictures = function
    return function


def pictures(addresses: set[str]) -> dict:
    return _pictures(addresses) if _pictures is not None else {}
