from django.conf import settings
from django.core.paginator import Paginator

from notifications import messages
from notifications.models import Kind, Notification, Preference
from notifications.services import DEFAULT_EMAIL, visible_to
from profiles import roles

PER_PAGE = 30


def notification_page(member, *, kind=None, unread_only=False, page_number=1):
    rows = Notification.objects.filter(visible_to(member), recipient=member).select_related("actor", "thread")
    if kind in Kind.values:
        rows = rows.filter(kind=kind)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows.order_by("-updated_at", "-id"), PER_PAGE).get_page(page_number)
    for n in page.object_list:
        n.text = messages.text(n)
    return page


def latest(member, limit=8):
    rows = list(
        Notification.objects.filter(visible_to(member), recipient=member)
        .select_related("actor", "thread")
        .order_by("-updated_at", "-id")[:limit]
    )
    for n in rows:
        n.text = messages.text(n)
    return rows


def preference_rows(member):
    """One row per kind with the member's choice or the default."""
    chosen = {p.kind: p for p in Preference.objects.filter(member=member)}
    kinds = [k for k in Kind if k != Kind.NEW_REPORT or roles.is_moderator(member)]
    rows = []
    for kind in kinds:
        pref = chosen.get(kind)
        rows.append(
            {
                "kind": kind.value,
                "label": kind.label,
                "on_site": pref.on_site if pref else True,
                "email": pref.email if pref else DEFAULT_EMAIL.get(kind, Preference.Email.OFF),
            }
        )
    return rows


def email_delay_minutes():
    return getattr(settings, "NOTIFICATION_EMAIL_DELAY_MINUTES", 10)
