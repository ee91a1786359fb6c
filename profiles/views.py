"""The member's profile page and its edit form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.language import remember_language
from profiles import hooks, roles, selectors, services
from profiles.forms import ProfileForm
from web.pagecache import not_for, shared_page


@shared_page(fill=lambda request, fills: hooks.fill_profile_panels(request, fills))
def profile(request, username):
    member = selectors.member_for(username)
    if member.username != username:
        return redirect("profiles:profile", member.username, permanent=True)
    # Their own profile offers them its edit link and their suspension's reason.
    not_for(request, member.pk)
    view = selectors.profile_page(
        member,
        request.user,
        request.GET.get("tab", "summary"),
        kind=request.GET.get("kind", "replies"),
        page_number=request.GET.get("page"),
    )
    panels = mark_safe(hooks.profile_panels(request, member)) if member.is_active else ""  # noqa: S308 (templates)
    return render(request, "profiles/profile.html", {"member": member, "view": view, "panels": panels})


@login_required
def edit(request, username):
    member = selectors.member_for(username)
    services.check_can_edit_profile(request.user, member)
    form = ProfileForm.for_member(member, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.update_profile(member=member, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _saved(request, member)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "profiles/edit.html", {"member": member, "form": form}, status=status)


@never_cache
@require_GET
def mentions(request):
    """Members to offer while a member types @name in the composer (static/js/composer.js).

    Members only; what it answers (username, display name) is what public profiles show.
    """
    if not roles.is_member(request.user):
        return JsonResponse({"error": _("Log in to mention members.")}, status=403)
    prefix = request.GET.get("q", "").strip().removeprefix("@")
    if len(prefix) > selectors.MENTION_QUERY_MAX:
        return JsonResponse({"error": _("This name is too long to look up.")}, status=400)
    members = selectors.members_to_mention(prefix)
    status = ngettext(
        "%(count)d member matches: up and down arrows to choose, Enter to insert.",
        "%(count)d members match: up and down arrows to choose, Enter to insert.",
        len(members),
    ) % {"count": len(members)}
    return JsonResponse(
        {
            "label": _("Members to mention"),
            "status": status if members else _("No member matches."),
            "members": [{"username": m.username, "name": m.name} for m in members],
        }
    )


def _saved(request, member):
    """Back to the profile, in the member's preferred language from now on."""
    if member.language:
        translation.activate(member.language)
    messages.success(request, _("Your profile was saved."))
    response = redirect("profiles:profile", member.username)
    if member.language:
        remember_language(response, member.language)
    return response
