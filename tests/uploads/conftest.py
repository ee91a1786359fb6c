"""Pictures made in the tests (nothing binary is kept in the repository), a temporary media
folder, and a helper that sends a file to the upload endpoint as the composer does."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def uploads_root(settings, tmp_path):
    """Pictures (and avatars) are written under a temporary folder, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    root = tmp_path / "uploads"
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}}
    settings.STORAGES = {**settings.STORAGES, "uploads": storage}
    return root


def stored_files(root) -> list:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def picture(pillow_format="PNG", *, size=(64, 48), mode="RGB", colour=(200, 40, 40), **save) -> bytes:
    out = BytesIO()
    Image.new(mode, size, colour).save(out, format=pillow_format, **save)
    return out.getvalue()


def send(client, content: bytes, name="picture.png", content_type="image/png"):
    """POST the file as the composer's script does (JSON answer)."""
    return client.post(
        reverse("uploads:upload"), {"file": SimpleUploadedFile(name, content, content_type=content_type)}, **JSON
    )


def key_of(answer) -> str:
    """The picture's key, from the address the upload's answer gives."""
    return answer["url"].rsplit("/", 1)[-1].split(".")[0]


def opened(response) -> Image.Image:
    return Image.open(BytesIO(b"".join(response.streaming_content)))


@pytest.fixture
def upload_as(client):
    """upload_as(member, content=..., name=...) -> the JSON answer of a successful upload."""

    def upload(member, content=None, name="picture.png"):
        client.force_login(member)
        response = send(client, content if content is not None else picture(), name)
        assert response.status_code == 201, response.content
        client.logout()
        return response.json()

    return upload


@pytest.fixture
def suspended_member(make_member):
    return make_member("sam", display_name="Sam Suspended", suspended_until=timezone.now() + timedelta(days=3))


@pytest.fixture
def newcomer(make_member):
    return make_member("newbie", date_joined=timezone.now() - timedelta(hours=1))


@pytest.fixture
def regular(make_member):
    return make_member("regular", date_joined=timezone.now() - timedelta(days=30))
