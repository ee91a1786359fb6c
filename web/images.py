"""Pictures that members send (avatars, images in posts): decoded, checked and re-encoded.

Only the decoded pixels survive: whatever the file carried besides the picture (EXIF with a
location and the camera's serial number, comments, a second file glued on as a polyglot) is
left behind, and what is stored is an image Pillow wrote itself. The bounds are checked on
the header, before any pixel is decoded, so a small file that would decode into gigabytes
(a decompression bomb) costs nothing.
"""

import re
from io import BytesIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

DECODED = {"PNG", "JPEG", "MPO", "GIF", "WEBP"}  # MPO: the JPEG files phones write
# Only these decoders ever look at a member's file: none of Pillow's others (EPS calls Ghostscript).
# Pillow's JPEG decoder is the one that opens MPO files.
OPENED = ["GIF", "JPEG", "PNG", "WEBP"]
ACCEPT = "image/png,image/jpeg,image/gif,image/webp"

# What a file that is also a page, a script or a document carries. Pillow opens a JPEG with
# a PDF or an HTML page after it; such a file is refused outright rather than quietly cleaned,
# so that whoever sent it knows (re-encoding would leave the rest behind anyway). Lower or upper
# case, not mixed: compressed pixels then match by chance about once in 2^40 bytes.
_MARKERS = ("<script", "<html", "<body", "<iframe", "<object", "<?php", "<!doctype", "%pdf-")
FOREIGN = re.compile(b"|".join(re.escape(m.encode()) + b"|" + re.escape(m.upper().encode()) for m in _MARKERS))


class Refused(ValidationError):
    """A file that is not a picture we take; the message says why, for the member."""


def megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):g}"


def open_picture(upload, *, max_bytes: int, max_pixels: int) -> Image.Image:
    """The upload decoded, first frame only: a PNG, JPEG, GIF or WebP image within the bounds.

    Raises Refused, with a message for the member, for anything else: not an image, a broken
    or truncated one, a file that is also something else, too many bytes or pixels.
    """
    if upload.size > max_bytes:
        raise Refused(
            _("The picture is too large: %(mb)s MB at most.") % {"mb": megabytes(max_bytes)}, code="too_large"
        )
    upload.seek(0)
    raw = upload.read()
    not_a_picture = Refused(
        _("This file is not a picture we can use: upload a PNG, JPEG, GIF or WebP image."), code="not_a_picture"
    )
    try:
        image = Image.open(BytesIO(raw), formats=OPENED)
        if image.format not in DECODED:
            raise not_a_picture
        if FOREIGN.search(raw):
            raise Refused(
                _(
                    "This file holds something besides a picture (a page, a script or a document): "
                    "upload the image alone."
                ),
                code="polyglot",
            )
        _check_pixels(image.size, max_pixels)
        image.verify()  # the file's structure; the image must be opened again afterwards
        image = Image.open(BytesIO(raw), formats=OPENED)
        image.seek(0)
        image.load()
    except Refused:
        raise
    except Image.DecompressionBombError:
        raise _too_many_pixels(max_pixels) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombWarning):
        raise not_a_picture from None
    return image


def _check_pixels(size: tuple[int, int], max_pixels: int):
    width, height = size
    if width < 1 or height < 1 or width * height > max_pixels:
        raise _too_many_pixels(max_pixels, size)


def _too_many_pixels(max_pixels: int, size: tuple[int, int] | None = None) -> Refused:
    megapixels = f"{max_pixels / 1_000_000:g}"
    if size is None:
        return Refused(_("The picture is too big: %(mp)s megapixels at most.") % {"mp": megapixels}, code="pixels")
    return Refused(
        _("The picture is too big: %(width)s × %(height)s pixels, %(mp)s megapixels at most.")
        % {"width": size[0], "height": size[1], "mp": megapixels},
        code="pixels",
    )


def upright(image: Image.Image) -> Image.Image:
    """The picture turned as its EXIF orientation says, so that it shows the right way up once
    the EXIF is gone."""
    return ImageOps.exif_transpose(image) or image


def has_alpha(image: Image.Image) -> bool:
    return image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info)


def on_white(image: Image.Image) -> Image.Image:
    """RGB pixels, transparent areas on white (JPEG has no transparency)."""
    if not has_alpha(image):
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def encode(image: Image.Image, pillow_format: str) -> bytes:
    """The pixels written afresh, with no metadata: no EXIF, no text chunks, no colour profile."""
    pixels = on_white(image) if pillow_format == "JPEG" else image.convert("RGBA" if has_alpha(image) else "RGB")
    # Pillow's writers take a comment, a profile or EXIF from `info` when given none: nothing
    # read from the member's file may reach the one written.
    pixels.info = {}
    out = BytesIO()
    if pillow_format == "JPEG":
        pixels.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
    elif pillow_format == "WEBP":
        pixels.save(out, format="WEBP", quality=85, method=4)
    else:
        pixels.save(out, format="PNG", optimize=True)
    return out.getvalue()
