"""While a member writes a new thread: "Is this about …? Follow the incident instead."

A thread in a category or with a tag the incident concerns, or whose title is like the
incident's thread or one linked to it (search's similar threads), is shown the open incidents
it may be about. The forum's new-thread page asks through forum.hooks.provide_composer_note;
static/js/incidents.js asks again (incidents:match) as the category, tags and title change.
"""

import logging

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from forum.permissions import readable_threads_q
from forum.validators import clean_tags
from incidents import banner
from incidents.models import Incident, Link, Status
from search.selectors import similar_threads

log = logging.getLogger(__name__)

TITLE_MIN = 4


def composer_input(data) -> dict:
    """What the composer has so far, from a query string or a posted form; bad input is ignored."""
    raw = str(data.get("category") or "")
    try:
        tags = clean_tags(str(data.get("tags") or "")[:500])
    except ValidationError:  # more tags than a thread takes: the first ones still say something
        tags = clean_tags(str(data.get("tags") or "").split(",")[:5])
    return {
        "category_id": int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None,
        "title": str(data.get("title") or "")[:150],
        "tags": tags,
    }


def _similar_thread_ids(viewer, title: str) -> set[int]:
    if len(title.strip()) < TITLE_MIN:
        return set()
    try:
        return {thread.pk for thread in similar_threads(viewer, title, limit=10)}
    except Exception:  # a broken index costs the hint its titles, never the page
        log.warning("similar threads unavailable for the incident hint", exc_info=True)
        return set()


def matching(viewer, *, category_id=None, title: str = "", tags=()) -> list[Incident]:
    """The open incidents, readable by the viewer, that a thread like this one may be about."""
    incidents = list(
        Incident.objects.exclude(status=Status.RESOLVED)
        .filter(readable_threads_q(viewer, prefix="thread__"))
        .prefetch_related("categories", "tags")
        .order_by("declared_at", "pk")
    )
    if not incidents:
        return []
    tags = set(tags)
    found = [
        i
        for i in incidents
        if (category_id is not None and category_id in {c.pk for c in i.categories.all()})
        or tags & {t.name for t in i.tags.all()}
    ]
    rest = [i for i in incidents if i not in found]
    similar = _similar_thread_ids(viewer, title) if rest else set()
    if similar:
        linked = set(Link.objects.filter(thread__in=similar, incident__in=rest).values_list("incident", flat=True))
        found += [i for i in rest if i.thread_id in similar or i.pk in linked]
    return found


def hint_items(request, **composer) -> str:
    incidents = matching(request.user, **composer)
    return render_to_string("incidents/_hint_items.html", {"incidents": incidents}).strip() if incidents else ""


def composer_note(request, *, category=None, title: str = "", tags=()) -> str:
    """The hint at the top of the new-thread form (forum.hooks): nothing at all, and no query, while
    no incident is open (the banner's cached list says so)."""
    if banner.current()["key"] == "0":
        return ""
    items = hint_items(request, category_id=category.pk if category else None, title=title, tags=tags)
    return render_to_string("incidents/_hint.html", {"items": items}, request=request)
