from functools import cache, partial

from django.conf import settings

from profiles import roles


def site(request):
    """What every page's header and footer need: one COUNT query for a member (when shown), none for a visitor."""
    from incidents.banner import html_for_page, read_site_banners
    from notifications.announcements import banner_for, link

    read_site_banners()
    announcement = banner_for(request)
    context = {
        "SITE_NAME": settings.SITE_NAME,
        # The log-in page invites to sign up with a password only when that is open.
        "LOCAL_SIGNUP": settings.LOCAL_SIGNUP,
        # The member menu links to the accounts linked with an identity provider when there is one.
        "SIGN_IN_PROVIDERS": bool(settings.OIDC_PROVIDERS),
        "announcement": announcement,
        # The profile pages offer to write privately to a member when that is open.
        "MEMBER_MESSAGES": settings.MEMBER_MESSAGES,
        "announcement_link": link(announcement) if announcement else "",
        # The open incidents, the same HTML for everyone (cached; web.pagecache varies on it).
        "incident_banner": html_for_page(),
        # The header's roles, kept under them (base.html): set for visitors too, since reading a
        # name that a template's context lacks costs a few exceptions each time.
        "moderates": False,
        "sees_staff_areas": False,
        "mod_queue_count": None,
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from notifications.services import unread_count

        # The member itself, not the lazy object in front of it: each read through it costs a call.
        user = getattr(user, "_wrapped", user)

        # The header's links follow the role rules (profiles/roles.py), not the raw flags.
        context["moderates"] = roles.is_moderator(user)
        context["sees_staff_areas"] = roles.sees_staff_areas(user)
        context["brand_staff"] = roles.is_brand_staff(user)
        # Counted when the header shows it, once: a page shared between members leaves the
        # header's menu to be filled for each of them (web/pagecache.py), and counts it then.
        context["unread_notifications"] = cache(partial(unread_count, user))
        # A suspended member is told why on every page, and offered no posting action.
        context["can_post"] = roles.can_post(user)
        if roles.is_suspended(user):
            context["suspension"] = roles.suspension_message(user)
        if context["moderates"]:
            from moderation.selectors import open_count

            context["mod_queue_count"] = open_count()
    return context
