"""Uploaded avatars: checked, squared and re-encoded with Pillow before they are stored.

Re-encoding from the decoded pixels is what makes an upload safe to serve (web/images.py):
whatever the file carried besides the picture is left behind, and the stored name is random.
"""

import secrets

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, features

from web import images

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
SIZE = 256
ACCEPT = images.ACCEPT


def _output_format() -> tuple[str, str]:
    return ("WEBP", "webp") if features.check("webp") else ("PNG", "png")


def prepare_avatar(upload) -> ContentFile:
    """A 256×256 re-encoded copy of an uploaded picture, under a random name.

    Raises ValidationError (with a message for the member) for anything else:
    not an image, a broken one, more than 5 MB or more than 40 megapixels.
    """
    image = images.on_white(images.upright(images.open_picture(upload, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS)))
    square = ImageOps.fit(image, (SIZE, SIZE), method=Image.Resampling.LANCZOS)
    pillow_format, extension = _output_format()
    return ContentFile(images.encode(square, pillow_format), name=f"{secrets.token_hex(16)}.{extension}")
