"""The header's menu of a signed-in member, filled into pages shared between members.

A shared page (web/pagecache.py) leaves the menu as a slot: it carries the member's name,
avatar and links, and the count of their unread notifications. The menu is rendered once per
member and language and kept in this process, with the count as a slot of its own, so that
filling it costs one COUNT query.
"""

from django.conf import settings
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from notifications.services import unread_count
from web import pagecache

UNREAD = pagecache.slot("unread")
MEMBERS = 4000  # menus kept per process: a few kilobytes each

menus = pagecache.Renderings(MEMBERS)


def _key(member) -> tuple:
    """Everything includes/_member_menu.html shows (of the member, and of the site's sign-in)."""
    return (
        get_language(),
        member.pk,
        member.username,
        member.name,
        member.avatar.name,
        member.is_superuser,
        member.is_brand_staff,
        member.unread_conversations,
        bool(settings.OIDC_PROVIDERS),
    )


def member_menu(request) -> str:
    member = pagecache.member(request)
    html = menus.get_or_render(
        _key(member),
        lambda: get_template(pagecache.MENU_TEMPLATE).render(
            {
                "user": member,
                "unread_notifications": mark_safe(UNREAD),  # noqa: S308
                "csrf_token": pagecache.CSRF,
                "SIGN_IN_PROVIDERS": bool(settings.OIDC_PROVIDERS),
            }
        ),
    )
    return html.replace(UNREAD, str(unread_count(member)))
