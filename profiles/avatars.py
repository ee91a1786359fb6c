"""Uploaded avatars: checked, squared and re-encoded with Pillow before they are stored.

Re-encoding from the decoded pixels is what makes an upload safe to serve:
whatever the file carried besides the picture (EXIF with a location, a
comment, a polyglot payload) is left behind, and the stored name is random.
"""

import secrets
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError, features

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
SIZE = 256
ACCEPTED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
ACCEPT = "image/png,image/jpeg,image/gif,image/webp"


def _output_format() -> tuple[str, str]:
    return ("WEBP", "webp") if features.check("webp") else ("PNG", "png")


def _open_checked(upload) -> Image.Image:
    """Open the upload as an image, refusing anything that is not a small enough PNG, JPEG, GIF or WebP."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The picture is too large: 5 MB at most."), code="too_large")
    refused = ValidationError(_("This file is not a picture we can use: upload a PNG, JPEG, GIF or WebP image."))
    try:
        upload.seek(0)
        image = Image.open(upload)
        if image.format not in ACCEPTED_FORMATS:
            raise refused
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise ValidationError(
                _("The picture is too big: %(width)s × %(height)s pixels, 40 megapixels at most."),
                code="too_many_pixels",
                params={"width": width, "height": height},
            )
        image.verify()  # checks the file's structure; the image must be opened again afterwards
        upload.seek(0)
        image = Image.open(upload)
        image.seek(0)  # the first frame of an animation
        image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(_("The picture is too big: 40 megapixels at most."), code="too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise refused from None
    return image


def _flattened(image: Image.Image) -> Image.Image:
    """RGB pixels, the right way up, transparent areas on white."""
    image = ImageOps.exif_transpose(image) or image
    if image.mode in {"RGBA", "LA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def prepare_avatar(upload) -> ContentFile:
    """A 256×256 re-encoded copy of an uploaded picture, under a random name.

    Raises ValidationError (with a message for the member) for anything else:
    not an image, a broken one, more than 5 MB or more than 40 megapixels.
    """
    image = _flattened(_open_checked(upload))
    square = ImageOps.fit(image, (SIZE, SIZE), method=Image.Resampling.LANCZOS)
    pillow_format, extension = _output_format()
    out = BytesIO()
    square.save(out, format=pillow_format, **({"quality": 88} if pillow_format == "WEBP" else {"optimize": True}))
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(16)}.{extension}")
