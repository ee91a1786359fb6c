"""Going back where a form came from, but only within this site.

`next` comes from the form or the query string, so anyone can forge it: an
address on another host (or a javascript: URL) falls back to a page of ours.
"""

from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(fallback)


def redirect_back(request, fallback: str = "/") -> HttpResponseRedirect:
    """Redirect to `next` if it is safe, else to `fallback` (a URL, a view name or a model)."""
    return HttpResponseRedirect(safe_next(request, fallback))
