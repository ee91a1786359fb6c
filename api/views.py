"""The members' API tokens page (/accounts/api-tokens/) and the API's index (/api/)."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api import services
from api.forms import TokenForm
from api.models import ApiToken
from forum.forms import add_service_error


def index(request):
    """Where the API's versions, schema and docs are."""
    return JsonResponse(
        {
            "version": "1",
            "base": request.build_absolute_uri("/api/v1/"),
            "schema": request.build_absolute_uri(reverse("api-v1:openapi-json")),
            "docs": request.build_absolute_uri(reverse("api-v1:openapi-view")),
        }
    )


def _page(request, form, *, created=None, secret=None, status=200):
    tokens = services.active_tokens(request.user).order_by("-created_at", "-id")
    context = {"form": form, "tokens": tokens, "created": created, "secret": secret}
    context["limit"] = services.TOKENS_PER_MEMBER
    return render(request, "api/tokens.html", context, status=status)


# The new token's secret, from the form's answer to the page it redirects to (so that reloading
# that page makes no second token): kept in the member's session until that page shows it once.
JUST_CREATED = "api_token_created"


@never_cache  # the page that shows a new token's secret is never kept by a browser or a proxy
@login_required
def tokens(request):
    """The member's active tokens (at most TOKENS_PER_MEMBER: one page) and the form for a new one,
    whose secret is shown once, on the page the form leads back to."""
    if request.method != "POST":
        created = request.session.pop(JUST_CREATED, None)
        token = services.active_tokens(request.user).filter(pk=created["id"]).first() if created else None
        return _page(request, TokenForm(), created=token, secret=created["secret"] if token else None)
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = services.create_token(member=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            request.session[JUST_CREATED] = {"id": token.pk, "secret": secret}
            return redirect("api:tokens")
    return _page(request, form, status=400)


@login_required
@require_POST
def revoke(request, token_id):
    token = get_object_or_404(ApiToken, pk=token_id, member=request.user, revoked_at__isnull=True)
    services.revoke_token(token=token, by=request.user)
    flash.success(request, _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name})
    return redirect("api:tokens")
