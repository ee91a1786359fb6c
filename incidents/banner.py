"""The incident banner: on every page while an incident is open, visitors' cached pages included,
and pushed live to every open page when it changes.

What it shows is read once and cached (the same for every reader, in each language of the
site), so a page costs no query for it. Cached pages vary on its key (web.pagecache.vary_on):
the next page of every visitor after a change is a new copy, at once, without waiting for the
copies to expire. Only incidents whose thread visitors may read are shown.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Value
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language

from forum.models import Category, Visibility
from notifications import announcements
from web import push
from web.push import EVERYONE

CACHE_KEY = "incidents:banner"
# Seconds the banner is kept: a change deletes it after its commit, and this bounds how long a
# process could show a stale one if that delete was lost (Redis down at that moment).
TIMEOUT = 300


def open_rows():
    """The open incidents that visitors may read of."""
    from incidents.models import Incident, Status

    return Incident.objects.exclude(status=Status.RESOLVED).filter(
        thread__category__access=Category.Access.PUBLIC, thread__visibility=Visibility.VISIBLE
    )


def _open_incidents() -> list:
    return list(open_rows().order_by("declared_at", "pk"))


def is_known(found: dict | None = None) -> bool:
    """Whether the banner is cached; without `found` (a read of the cache that included its key),
    asked without reading it: html_for_page reads it then."""
    return cache.has_key(CACHE_KEY) if found is None else found.get(CACHE_KEY) is not None


def remember_none():
    """No incident is open, as a read of several site-wide banners found (config.context_processors)."""
    cache.set(CACHE_KEY, _nothing(), TIMEOUT)


def _nothing() -> dict:
    return {"key": "0", "html": dict.fromkeys((code for code, _name in settings.LANGUAGES), "")}


def _build() -> dict:
    incidents = _open_incidents()
    if not incidents:
        return _nothing()
    key = ",".join(f"{i.pk}:{i.status}:{i.updated_at.timestamp()}" for i in incidents)
    html = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            html[code] = render_to_string("incidents/_banner.html", {"incidents": incidents}).strip()
    return {"key": key, "html": html}


def current(found: dict | None = None) -> dict:
    """{"key": what cached pages vary on, "html": {language: the banner, or ""}}; `found`: a read
    of the cache that included its key, if one was made."""
    banner = found.get(CACHE_KEY) if found else None
    if banner is None:
        banner = cache.get(CACHE_KEY)
    if banner is None:
        banner = _build()
        cache.set(CACHE_KEY, banner, TIMEOUT)
    return banner


def html_for_page() -> str:
    html = current()["html"]
    return html.get(get_language() or "", "") or html.get(settings.LANGUAGE_CODE, "")


def read_site_banners(found: dict | None = None):
    """On a cold cache, one statement tells whether there is an announcement or an open incident
    at all (most often neither), where each app's own read would cost one each: every page
    reads both (the context processor, and the page cache's key). `found`: a read of the cache
    that included both keys, if one was made."""
    if announcements.is_known(found) and is_known(found):
        return
    found = set(
        announcements.active_rows()
        .order_by()
        .annotate(source=Value("announcement"))
        .values_list("source", flat=True)
        .union(open_rows().order_by().annotate(source=Value("incident")).values_list("source", flat=True))
    )
    if "announcement" not in found:
        announcements.remember_none()
    if "incident" not in found:
        remember_none()


def page_key(request, found: dict) -> str:
    """What of the banner a cached page depends on (web.pagecache.vary_on, registered first: it
    reads the announcement's state too); `found`: the page key's read of the cache."""
    read_site_banners(found)
    return "incidents:" + current(found)["key"]


def forget():
    cache.delete(CACHE_KEY)


def _message() -> dict:
    return {"type": "incidents", "html": current()["html"]}


def changed():
    """An incident changed (the caller holds the transaction): after the commit, the banner is
    read again and every open page gets it."""
    transaction.on_commit(forget)
    push.on_commit(lambda: [push.relay(EVERYONE, _message())])


def _thread_concerned(thread_id: int):
    from incidents.models import Incident

    if Incident.objects.filter(thread_id=thread_id).exists():
        changed()


def on_thread_changed(sender, thread, change, **kwargs):
    """An incident's thread moved (perhaps out of the public's sight): the banner is read again."""
    if change == "moved":
        _thread_concerned(thread.pk)


def on_post_visibility_changed(sender, post, **kwargs):
    """An incident's opening post hidden or restored: the banner is read again."""
    if post.is_opening:
        _thread_concerned(post.thread_id)
