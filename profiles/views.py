"""The member's profile page and its edit form."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from profiles import selectors, services
from profiles.forms import ProfileForm
from web.pagecache import cache_for_visitors


@cache_for_visitors
def profile(request, username):
    member = selectors.member_for(username)
    if member.username != username:
        return redirect("profiles:profile", member.username, permanent=True)
    view = selectors.profile_page(
        member,
        request.user,
        request.GET.get("tab", "summary"),
        kind=request.GET.get("kind", "replies"),
        page_number=request.GET.get("page"),
    )
    return render(request, "profiles/profile.html", {"member": member, "view": view})


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


def _saved(request, member):
    """Back to the profile, in the member's preferred language from now on."""
    if member.language:
        translation.activate(member.language)
    messages.success(request, _("Your profile was saved."))
    response = redirect("profiles:profile", member.username)
    if member.language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            member.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
    return response
