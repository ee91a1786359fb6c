"""One gate for input no page can use: a NUL byte anywhere in a request answers 400.

PostgreSQL refuses NUL in text ("text fields cannot contain NUL"), SQLite stores it; a
slug, a filter or a cookie that reaches a query unchecked is a 500 on one database and
not on the other. Checking every view would miss the next one, so the request is refused
before any of them (and before the session middleware looks its cookie up): the path, the
query string, the cookies and the fields of a form post.
"""

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from web.errors import json_error, wants_json

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
NUL_REFUSED = _("The address or the form contains a character that is not allowed (a NUL byte).")
INVALID = _("This request is not valid.")


def bad_request_page(request, message=INVALID) -> HttpResponse:
    """A short page in the reader's language (JSON under /api/). Rendered without the request's
    context processors: the request is refused before sessions and log-in, and the page must
    cost no query."""
    with translation.override(translation.get_language_from_request(request)):
        if wants_json(request):
            return json_error(400, message)
        html = render_to_string(
            "errors/400.html",
            {"SITE_NAME": settings.SITE_NAME, "message": message},
        )
    return HttpResponseBadRequest(html)


def bad_request(request, exception=None):
    """handler400: what Django answers for a SuspiciousOperation or a BadRequest."""
    return bad_request_page(request)


def _in_address_or_cookies(request) -> bool:
    query = request.META.get("QUERY_STRING", "")
    return (
        NUL in request.path
        or "%00" in query
        or NUL in query
        or any(NUL in name or NUL in value for name, value in request.COOKIES.items())
    )


def _in_form(request) -> bool:
    """Parses the form (as CsrfViewMiddleware would anyway); only form posts are looked at."""
    if not _is_form_post(request):
        return False
    files = ((name, [upload.name or "" for upload in uploads]) for name, uploads in request.FILES.lists())
    return any(NUL in name or any(NUL in value for value in values) for name, values in (*request.POST.lists(), *files))


def _is_form_post(request) -> bool:
    return request.method == "POST" and request.content_type.startswith(FORM_TYPES)


class RefuseNulBytes:
    """Middleware; sync and async capable so that it adds no thread hop under daphne."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self._acall(request)
        if _in_address_or_cookies(request) or _in_form(request):
            return bad_request_page(request, NUL_REFUSED)
        return self.get_response(request)

    async def _acall(self, request):
        if _in_address_or_cookies(request):
            return bad_request_page(request, NUL_REFUSED)
        # Parsing a multipart body writes uploads to disk: off the event loop.
        if _is_form_post(request) and await sync_to_async(_in_form)(request):
            return bad_request_page(request, NUL_REFUSED)
        return await self.get_response(request)
