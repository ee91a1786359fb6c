"""Announcements: published by staff, shown on every page, pushed live to every open socket.

The active announcement is cached (one per site), so pages read it without a
query; members dismiss it with a cookie, which also works for visitors.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from forum.permissions import can_read_thread
from notifications.models import Announcement
from profiles import roles
from web import push
from web.push import EVERYONE

CACHE_KEY = "announcement:active"
DISMISSED_COOKIE = "agora_dismissed"
DISMISSED_KEPT = 20
_NONE = "none"


def active_rows():
    return Announcement.objects.filter(withdrawn_at__isnull=True, expires_at__gt=timezone.now())


def is_known(found: dict | None = None) -> bool:
    """Whether the cache says which announcement is active (or that none is); `found`: a read of
    the cache that included its key, if one was made. Without one, asked without reading it,
    which would load the announcement that active() loads again."""
    return cache.has_key(CACHE_KEY) if found is None else found.get(CACHE_KEY) is not None


def remember_none():
    """No announcement is active, as a read of several site-wide banners found (config.context_processors)."""
    cache.set(CACHE_KEY, _NONE, 300)


def active(found: dict | None = None) -> Announcement | None:
    cached = found.get(CACHE_KEY) if found else None
    if cached is None:
        cached = cache.get(CACHE_KEY)
    if cached == _NONE:
        return None
    if cached is not None and cached.is_active:
        return cached
    found = active_rows().select_related("thread__category").first()
    timeout = 300 if found is None else max(1, min(300, int((found.expires_at - timezone.now()).total_seconds())))
    cache.set(CACHE_KEY, found or _NONE, timeout)
    return found


def dismissed_ids(request) -> set[int]:
    """The ids in this browser's dismissal cookie (the newest 20, as staff/views.py writes it).

    The cookie is the browser's to forge: only short runs of ASCII digits count, since
    "²".isdigit() is True and int() refuses it, and int() refuses more than 4,300 digits.
    """
    raw = request.COOKIES.get(DISMISSED_COOKIE, "")
    parts = raw.rsplit(".", DISMISSED_KEPT)[-DISMISSED_KEPT:]
    return {int(part) for part in parts if len(part) <= 18 and part.isascii() and part.isdigit()}


def dismissed_with(request, pk: int) -> str:
    """The cookie's new value once `pk` is dismissed too: the newest DISMISSED_KEPT ids, in the
    one format dismissed_ids() reads."""
    ids = dismissed_ids(request) | {pk}
    return ".".join(str(i) for i in sorted(ids)[-DISMISSED_KEPT:])


def banner_for(request) -> Announcement | None:
    announcement = active()
    if announcement is None or announcement.pk in dismissed_ids(request):
        return None
    return announcement


def page_key(request, found: dict) -> str:
    """What of the banner a cached visitor page depends on: which one, and whether it shows.
    Not the cookie itself, so that forged cookies cannot mint one cached page each. `found`:
    the page key's read of the cache (web.pagecache.vary_on)."""
    announcement = active(found)
    if announcement is None:
        return "0"
    return f"{announcement.pk}:{announcement.pk in dismissed_ids(request)}"


def _check(by):
    if not roles.sees_staff_areas(by):
        raise PermissionDenied(_("Only staff, moderators and administrators publish announcements."))


def link(announcement) -> str:
    """The linked thread's address, only while anyone may read it: the banner and its push go
    to every page and every socket, and a thread's address spells its title."""
    thread = announcement.thread
    if thread is None or not can_read_thread(AnonymousUser(), thread):
        return ""
    return thread.get_absolute_url()


def banner_html(announcement) -> dict[str, str]:
    """The banner as every page renders it (templates/notifications/_announcement.html), in each
    language of the site: the same for everyone, so a live banner is the one a reload shows."""
    context = {"announcement": announcement, "announcement_link": link(announcement), "next": ""}
    html = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            html[code] = render_to_string("notifications/_announcement.html", context).strip()
    return html


def _message(announcement) -> dict:
    message = {
        "type": "announcement",
        "id": announcement.pk,
        "text": announcement.message,
        "url": link(announcement),
        "active": announcement.is_active,
    }
    if announcement.is_active:
        message["html"] = banner_html(announcement)
    return message


def publish(*, by, message: str, expires_at, thread=None) -> Announcement:
    _check(by)
    message = " ".join((message or "").split())
    if not message or len(message) > 280 or "\x00" in message:
        raise ValidationError(_("Write a message of 1 to 280 characters."), code="message")
    if expires_at <= timezone.now():
        raise ValidationError(_("The announcement must end in the future."), code="expires_at")
    if thread is not None and not can_read_thread(AnonymousUser(), thread):
        raise ValidationError(_("An announcement can link only to a thread that visitors can read."), code="thread")
    with transaction.atomic():
        # One announcement at a time: a new one replaces the current one.
        Announcement.objects.filter(withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
        announcement = Announcement.objects.create(message=message, thread=thread, created_by=by, expires_at=expires_at)
        _after_change(announcement)
    return announcement


def withdraw(*, by, announcement: Announcement) -> Announcement:
    _check(by)
    with transaction.atomic():
        Announcement.objects.filter(pk=announcement.pk, withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
        announcement.refresh_from_db()
        _after_change(announcement)
    return announcement


def forget():
    """The cached announcement is read again: after a change to it, or to what it links to."""
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


def _after_change(announcement):
    forget()
    push.on_commit(lambda: [push.relay(EVERYONE, _message(announcement))])
