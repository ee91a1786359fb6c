"""Error pages in the site's layout, in the visitor's language; JSON under /api/.

The JSON API (api/) answers its own refusals; these are for what reaches Django's handlers
before or around it (an address no route matches, a bad request refused by the middleware),
so that an API client always gets JSON with a `detail`.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def wants_json(request) -> bool:
    return request.path.startswith(API_PREFIX)


def json_error(status: int, detail) -> JsonResponse:
    return JsonResponse({"detail": str(detail)}, status=status)


def not_found(request, exception=None):
    if wants_json(request):
        return json_error(404, _("Not found, or not yours to read."))
    return render(request, "errors/404.html", status=404)


def forbidden(request, exception=None):
    message = str(exception) if exception and str(exception) else ""
    if wants_json(request):
        return json_error(403, message or _("You may not do this."))
    return render(request, "errors/403.html", {"message": message}, status=403)


def server_error(request):
    if wants_json(request):
        return json_error(500, _("Something went wrong on our side. Please try again later."))
    return render(request, "errors/500.html", status=500)
