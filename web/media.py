"""Files anyone may see (avatars), read from the "default" store and served by the site when
they live in object storage (FILE_STORAGE=s3), where no proxy can serve them from a folder."""

import mimetypes

from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import storages
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET


@require_GET
def public_file(request, path):
    content_type, _encoding = mimetypes.guess_type(path)
    if not content_type or not content_type.startswith("image/") or content_type == "image/svg+xml":
        raise Http404
    storage = storages["default"]
    try:
        if not storage.exists(path):
            raise Http404
        response = FileResponse(storage.open(path, "rb"), content_type=content_type)
    except SuspiciousOperation:
        raise Http404 from None
    # Stored names are random and never reused: a file at an address never changes.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
