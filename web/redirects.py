"""Going back where a form came from, but only within this site; and answering a one-click
form, sent by a page's script or by the browser alone.

`next` comes from the form or the query string, so anyone can forge it: an
address on another host (or a javascript: URL) falls back to a page of ours.
"""

from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def asks_json(request) -> bool:
    """Whether a one-click form was sent by the page's script, which asks for JSON."""
    return request.headers.get("Accept", "").startswith("application/json")


def done(request, target: str, **state):
    """A one-click form's answer: its new state as JSON to the page's script (which asks for
    JSON), else a redirect to `target`, the control on the page, for a browser without it."""
    if asks_json(request):
        return JsonResponse({"ok": True, **state})
    return HttpResponseRedirect(target)


def is_same_site(request, target: str) -> bool:
    """Whether `target` is an address on this site (a path, or a URL on the request's own host,
    not downgraded from https): the one rule for every `next`, ours and allauth's."""
    secure = request.is_secure()
    return url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=secure)


def safe_next(request, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if is_same_site(request, target):
        return target
    return resolve_url(fallback)


def redirect_back(request, fallback: str = "/") -> HttpResponseRedirect:
    """Redirect to `next` if it is safe, else to `fallback` (a URL, a view name or a model)."""
    return HttpResponseRedirect(safe_next(request, fallback))
