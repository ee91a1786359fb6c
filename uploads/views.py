"""Sending a picture (from the composer's script, or from a plain form without JavaScript) and
serving one to those who may see it."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from profiles import roles
from uploads import selectors, services
from web import images
from web.limits import RateLimited

log = logging.getLogger(__name__)

# What a request may carry besides the file: the form's other fields and its boundaries.
ENVELOPE = 64 * 1024


@login_required
@require_GET
def new(request):
    """The form that sends a picture without JavaScript: the answer gives its Markdown to copy."""
    roles.check_can_post(request.user)
    return render(request, "uploads/new.html", _form_context())


@require_POST
def upload(request):
    """POST a picture as `file`: 201 with its Markdown (JSON for the composer's script, else a
    page to copy it from); 4xx with a message for anything refused, and nothing stored."""
    try:
        roles.check_can_post(request.user)
        _check_length(request)
        file = request.FILES.get("file")
        if file is None:
            raise images.Refused(_("Choose a picture to upload."), code="missing")
        picture = services.upload_picture(uploader=request.user, file=file)
    except PermissionDenied as error:
        return _refused(request, str(error) or _("Log in to upload pictures."), 403)
    except RateLimited as error:
        response = _refused(request, error.message, 429)
        response["Retry-After"] = str(error.retry_after)
        return response
    except ValidationError as error:
        return _refused(request, error.messages[0], 413 if error.code == "too_large" else 400)
    except services.StorageUnavailable:
        response = _refused(request, _("Pictures cannot be stored right now. Please try again in a minute."), 503)
        response["Retry-After"] = "60"
        return response
    markdown = f"![{_alt(file.name)}]({picture.get_absolute_url()})"
    if _wants_json(request):
        return JsonResponse(
            {
                "markdown": markdown,
                "url": picture.get_absolute_url(),
                "thumbnail": picture.thumbnail_url(),
                "width": picture.width,
                "height": picture.height,
            },
            status=201,
        )
    context = {**_form_context(), "markdown": markdown, "picture": picture}
    return render(request, "uploads/new.html", context, status=201)


def _check_length(request):
    """Refuse a request too large before reading it (Django would spool any size to disk)."""
    length = request.META.get("CONTENT_LENGTH") or ""
    if not length.isdigit() or int(length) > settings.UPLOAD_MAX_BYTES + ENVELOPE:
        raise images.Refused(
            _("The picture is too large: %(mb)s MB at most.") % {"mb": images.megabytes(settings.UPLOAD_MAX_BYTES)},
            code="too_large",
        )


def _alt(name: str) -> str:
    """A description from the file's name, for the member to improve: no brackets, no extension."""
    stem = (name or "").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    cleaned = " ".join("".join(" " if c in "[]()\\<>*_`!#|" else c for c in stem).split())
    return cleaned[:80] or _("picture")


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _refused(request, message: str, status: int) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"error": message}, status=status)
    return render(request, "uploads/new.html", {**_form_context(), "error": message}, status=status)


def _form_context() -> dict:
    return {"accept": images.ACCEPT, "max_mb": images.megabytes(settings.UPLOAD_MAX_BYTES)}


@require_safe
def picture(request, key, extension, small=False):
    """The picture, to whoever may read the post that shows it (404 for anyone else), with the
    content type of the re-encoded file. Browsers ask again each time (no-cache) and get 304
    while they may still see it: hiding a post hides its pictures at once."""
    upload = selectors.picture_for(request.user, key, extension)
    etag = f'"{upload.key}{"-small" if small else ""}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = _file_response(upload, small)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _file_response(upload, small: bool) -> HttpResponse:
    stored = upload.thumbnail if small and upload.thumbnail else upload.file
    try:
        content = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    except Exception:  # the store is down: say so, and the browser asks again later
        log.exception("could not read picture %s", upload.key)
        response = HttpResponse(_("This picture cannot be shown right now."), status=503, content_type="text/plain")
        response["Retry-After"] = "60"
        return response
    response = FileResponse(content, content_type=upload.content_type)
    response["Content-Disposition"] = f'inline; filename="{upload.key}.{upload.extension}"'
    return response
