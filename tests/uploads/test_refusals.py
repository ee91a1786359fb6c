"""A corpus of files that are not pictures we take, made here: each is refused with a clear
message and a 4xx, and nothing is stored (no row, no file)."""

import struct
import zlib
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.uploads.conftest import picture, send, stored_files
from uploads.models import Upload

NOT_A_PICTURE = "not a picture we can use"
SOMETHING_ELSE = "holds something besides a picture"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width=30_000, height=30_000) -> bytes:
    """A valid PNG header announcing 900 megapixels, with a few bytes of compressed rows:
    the kind of file that decodes into gigabytes."""
    header = _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
    rows = zlib.compress(b"\x00" * (1 + width // 8) * 64)
    return b"\x89PNG\r\n\x1a\n" + header + _png_chunk(b"IDAT", rows) + _png_chunk(b"IEND", b"")


def png_with_text(text: bytes) -> bytes:
    """A real PNG with a text chunk holding `text`, before its pixels."""
    plain = picture("PNG")
    end_of_header = 8 + 25
    return plain[:end_of_header] + _png_chunk(b"tEXt", b"Comment\x00" + text) + plain[end_of_header:]


def gif_bomb() -> bytes:
    """A small GIF whose logical screen is 60,000 × 60,000 pixels."""
    out = BytesIO()
    Image.new("P", (1, 1)).save(out, format="GIF")
    data = bytearray(out.getvalue())
    data[6:10] = struct.pack("<HH", 60_000, 60_000)
    return bytes(data)


CORPUS = {
    "an HTML page": (
        b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>",
        "lamp.png",
        NOT_A_PICTURE,
    ),
    "an SVG with a script": (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>',
        "lamp.svg",
        NOT_A_PICTURE,
    ),
    "an SVG renamed .png": (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        "lamp.png",
        NOT_A_PICTURE,
    ),
    "a PDF": (
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
        "manual.pdf",
        NOT_A_PICTURE,
    ),
    "a shell script renamed .png": (b"#!/bin/sh\nrm -rf / --no-preserve-root\n", "lamp.png", NOT_A_PICTURE),
    "a PHP script renamed .jpg": (b"<?php system($_GET['c']); ?>", "lamp.jpg", NOT_A_PICTURE),
    "a JavaScript file renamed .gif": (b"GIF89a=1;alert(document.domain)//", "lamp.gif", NOT_A_PICTURE),
    "an EPS renamed .jpg, which Pillow would hand to Ghostscript": (
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n",
        "lamp.jpg",
        NOT_A_PICTURE,
    ),
    "an empty file": (b"", "lamp.png", NOT_A_PICTURE),
    "a truncated PNG": (picture("PNG", size=(300, 300))[:200], "lamp.png", NOT_A_PICTURE),
    "a BMP, a picture we do not take": (picture("BMP"), "lamp.bmp", NOT_A_PICTURE),
    "a TIFF renamed .jpg": (picture("TIFF"), "lamp.jpg", NOT_A_PICTURE),
    "a JPEG with an HTML page after it (polyglot)": (
        picture("JPEG") + b"<html><script>alert(1)</script></html>",
        "lamp.jpg",
        SOMETHING_ELSE,
    ),
    "a JPEG with a PDF after it (polyglot)": (picture("JPEG") + b"%PDF-1.4\n%%EOF", "lamp.jpg", SOMETHING_ELSE),
    "a PNG with a script in a text chunk (polyglot)": (
        png_with_text(b"<script>alert(1)</script>"),
        "lamp.png",
        SOMETHING_ELSE,
    ),
    "a GIF with a PHP script in its comment (polyglot)": (
        picture("GIF", mode="P", colour=1, comment=b"<?php echo 1; ?>"),
        "lamp.gif",
        SOMETHING_ELSE,
    ),
    "a PNG decompression bomb": (png_bomb(), "lamp.png", "megapixels at most"),
    "a GIF decompression bomb": (gif_bomb(), "lamp.gif", "megapixels at most"),
}


@pytest.mark.parametrize("case", CORPUS, ids=list(CORPUS))
def test_a_file_that_is_not_a_picture_we_take_is_refused_and_nothing_is_stored(case, client, member, uploads_root):
    content, name, message = CORPUS[case]
    client.force_login(member)

    response = send(client, content, name)

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Upload.objects.exists()
    assert stored_files(uploads_root) == []


def test_a_file_over_the_byte_limit_is_refused_with_413(client, member, settings, uploads_root):
    settings.UPLOAD_MAX_BYTES = 2048
    client.force_login(member)

    response = send(client, picture("PNG", size=(400, 400), mode="RGB", colour=None) + b"\x00" * 4096)

    assert response.status_code == 413
    assert "2 kB" not in response.json()["error"]
    assert "too large" in response.json()["error"]
    assert not Upload.objects.exists()
    assert stored_files(uploads_root) == []


def test_a_request_larger_than_a_picture_may_be_is_refused_before_it_is_read(client, member, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(member)

    response = send(client, b"\x00" * 200_000, "big.png")

    assert response.status_code == 413
    assert not Upload.objects.exists()


def test_a_picture_with_more_pixels_than_allowed_is_refused(client, member, settings):
    settings.UPLOAD_MAX_PIXELS = 10_000
    client.force_login(member)

    response = send(client, picture("PNG", size=(200, 100)))

    assert response.status_code == 400
    assert "200 × 100 pixels, 0.01 megapixels at most" in response.json()["error"]


def test_a_post_without_a_file_asks_for_one(client, member):
    client.force_login(member)

    response = client.post("/uploads/", {}, HTTP_ACCEPT="application/json")

    assert response.status_code == 400
    assert response.json() == {"error": "Choose a picture to upload."}


def test_without_javascript_a_refusal_is_the_form_again_with_the_message(client, member):
    client.force_login(member)
    response = client.post("/uploads/", {"file": SimpleUploadedFile("x.png", b"<html></html>", "image/png")})

    assert response.status_code == 400
    assert "not a picture we can use" in response.content.decode()
    assert 'name="file"' in response.content.decode()


def test_a_store_that_fails_is_a_503_with_retry_after_and_no_row(client, member, settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the uploads folder should be")
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(blocked)}}
    settings.STORAGES = {**settings.STORAGES, "uploads": storage}
    client.force_login(member)

    response = send(client, picture("PNG"))

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response.json()["error"] == "Pictures cannot be stored right now. Please try again in a minute."
    assert not Upload.objects.exists()


def test_sending_a_picture_stays_within_a_query_budget(client, member, django_assert_max_num_queries):
    client.force_login(member)

    with django_assert_max_num_queries(6):
        response = send(client, picture("PNG"))

    assert response.status_code == 201
