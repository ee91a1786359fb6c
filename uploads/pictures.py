"""What an uploaded file becomes before anything is stored: a PNG, JPEG or WebP image that
Pillow wrote from the decoded pixels (web/images.py), the right way up, no larger than
UPLOAD_MAX_SIDE, with a thumbnail for posts.

GIF: only the first frame is kept, stored as PNG. An animation decodes into every one of its
frames (a few kilobytes can hold thousands of them, each as large as the canvas), and an
animated picture was rarely what a support question needed; a still keeps the cost of
decoding and showing it that of one image. Animated WebP is reduced to its first frame too.
"""

import threading
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image

from web import images

# The format of the stored picture for each format decoded: a JPEG stays a JPEG (photos),
# a PNG a PNG (screenshots, sharp edges), a WebP a WebP; a GIF's first frame becomes a PNG.
# MPO is what Pillow calls the JPEG files phones write with a second, smaller image inside.
STORED_AS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "PNG"}
EXTENSIONS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
# A picture at the pixel bound takes a few hundred megabytes while it is decoded, turned and
# scaled: a process works on this many at once, and the other uploads wait their turn.
DECODING_AT_ONCE = 2
_decoding = threading.BoundedSemaphore(DECODING_AT_ONCE)


@dataclass(frozen=True)
class Encoded:
    content: bytes
    width: int
    height: int


@dataclass(frozen=True)
class Prepared:
    picture: Encoded
    thumbnail: Encoded | None  # None: the picture is small enough to show as it is
    extension: str
    content_type: str


def prepare_picture(upload) -> Prepared:
    """The upload, decoded and written afresh. Raises web.images.Refused with a message for the
    member: not a PNG, JPEG, GIF or WebP image, a broken one, too many bytes or pixels."""
    with _decoding:
        return _prepare(upload)


def _prepare(upload) -> Prepared:
    image = images.open_picture(upload, max_bytes=settings.UPLOAD_MAX_BYTES, max_pixels=settings.UPLOAD_MAX_PIXELS)
    stored_as = STORED_AS[image.format]
    image = _within(images.upright(image), settings.UPLOAD_MAX_SIDE)
    picture = _encoded(image, stored_as)
    if len(picture.content) > settings.UPLOAD_MAX_BYTES:
        raise images.Refused(
            _("Once re-encoded the picture weighs more than %(mb)s MB: send it as a JPEG, or smaller.")
            % {"mb": images.megabytes(settings.UPLOAD_MAX_BYTES)},
            code="too_large",
        )
    side = settings.UPLOAD_THUMBNAIL_SIDE
    thumbnail = _encoded(_within(image, side), stored_as) if max(image.size) > side else None
    extension, content_type = EXTENSIONS[stored_as]
    return Prepared(picture=picture, thumbnail=thumbnail, extension=extension, content_type=content_type)


def _within(image: Image.Image, side: int) -> Image.Image:
    """The image scaled down (never up) to fit a square of `side` pixels."""
    if max(image.size) <= side:
        return image
    smaller = image.copy()
    smaller.thumbnail((side, side), Image.Resampling.LANCZOS)
    return smaller


def _encoded(image: Image.Image, pillow_format: str) -> Encoded:
    return Encoded(content=images.encode(image, pillow_format), width=image.width, height=image.height)
