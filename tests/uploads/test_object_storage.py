"""FILE_STORAGE=s3: pictures and avatars in an S3-compatible bucket, against a real S3 server
these tests start themselves (moto's server mode, a subprocess on a free port). The bucket
stays private: the site reads the objects and serves them at its own addresses."""

import contextlib
import secrets
import socket
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone

from config.env import SettingError, file_storages
from conversations.services import start_team_conversation
from forum import services
from forum.models import Visibility
from profiles.avatars import prepare_avatar
from profiles.services import update_profile
from tests.servers import PYTHON, free_port
from tests.uploads.conftest import key_of, picture, send, stored_files
from uploads.models import Upload
from web.media import public_file

CREDENTIALS = {"access_key": "testing", "secret_key": "testing", "region": "us-east-1"}


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    port = free_port()
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("w")
    server = subprocess.Popen(
        [PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            assert server.poll() is None and time.monotonic() < deadline, "the S3 server did not start"
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A fresh private bucket, and STORAGES pointing at it as FILE_STORAGE=s3 makes them."""
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    name = f"agora-{secrets.token_hex(4)}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=name)
    stores = file_storages(
        "s3", uploads_root=None, bucket=name, endpoint_url=s3_endpoint, prefix="forum", **CREDENTIALS
    )
    settings.STORAGES = {**settings.STORAGES, **stores}
    return client, name


def keys(bucket) -> list[str]:
    client, name = bucket
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", []))


def test_a_picture_goes_into_the_bucket_and_is_served_by_the_site(client, member, bucket, uploads_root, settings):
    settings.UPLOAD_THUMBNAIL_SIDE = 100
    client.force_login(member)

    answer = send(client, picture("PNG", size=(300, 200))).json()

    key = key_of(answer)
    assert [path.rsplit("/", 1)[-1] for path in keys(bucket)] == [f"{key}-small.png", f"{key}.png"]
    assert all(path.startswith("forum/uploads/") for path in keys(bucket))
    assert stored_files(uploads_root) == []
    response = client.get(answer["url"])
    served = b"".join(response.streaming_content)
    bucket_client, name = bucket
    upload = Upload.objects.get()
    stored = bucket_client.get_object(Bucket=name, Key=f"forum/uploads/{upload.file.name}")["Body"].read()
    assert served == stored
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"


def test_a_picture_in_the_bucket_follows_its_post(
    client, upload_as, member, other_member, moderator, bucket, discussion, make_thread
):
    answer = upload_as(member)
    thread = make_thread(category=discussion, author=member, body=answer["markdown"])
    services.set_post_visibility(post=thread.posts.get(), by=moderator, visibility=Visibility.HIDDEN)

    client.force_login(other_member)
    assert client.get(answer["url"]).status_code == 404
    client.force_login(member)
    assert client.get(answer["url"]).status_code == 200


def test_a_picture_in_the_bucket_that_a_private_message_holds_is_served_to_its_readers_alone(
    client, upload_as, member, other_member, staff_member, bucket
):
    answer = upload_as(member)
    start_team_conversation(member=member, subject="My parcel arrived broken", body=answer["markdown"])

    for reader, status in ((None, 404), (other_member, 404), (member, 200), (staff_member, 200)):
        client.logout()
        if reader is not None:
            client.force_login(reader)
        assert [client.get(url).status_code for url in (answer["url"], answer["thumbnail"])] == [status] * 2
    assert all(path.startswith("forum/uploads/") for path in keys(bucket))  # never under the public media


def test_stale_pictures_are_removed_from_the_bucket(upload_as, member, bucket):
    upload_as(member)
    Upload.objects.update(created_at=timezone.now() - timedelta(days=2))

    call_command("remove_stale_uploads")

    assert keys(bucket) == []
    assert not Upload.objects.exists()


def test_avatars_go_into_the_bucket_and_the_site_serves_them(rf, member, bucket):
    update_profile(member=member, avatar=prepare_avatar(SimpleUploadedFile("me.png", picture("PNG", size=(400, 300)))))

    member.refresh_from_db()
    (path,) = keys(bucket)
    assert path == f"forum/media/{member.avatar.name}" and member.avatar.name.startswith("avatars/")
    assert member.avatar.url == f"/media/{member.avatar.name}"
    response = public_file(rf.get(member.avatar.url), member.avatar.name)
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert b"".join(response.streaming_content) == storages["default"].open(member.avatar.name).read()
    assert "immutable" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["avatars/nothing-here.webp", "notes.html", "drawing.svg", "../secret.png"])
def test_the_site_serves_only_pictures_that_exist_from_the_bucket(rf, bucket, path):
    with pytest.raises(Http404):
        public_file(rf.get(f"/media/{path}"), path)


def test_object_storage_needs_a_bucket_and_a_known_kind():
    with pytest.raises(SettingError, match="S3_BUCKET is required"):
        file_storages("s3", uploads_root=None, bucket="")
    with pytest.raises(SettingError, match="FILE_STORAGE must be filesystem or s3"):
        file_storages("ftp", uploads_root=None, bucket="")


def test_on_the_filesystem_pictures_are_kept_outside_the_public_media_folder(tmp_path):
    """A proxy that serves MEDIA_ROOT (avatars) must never serve a picture of a hidden post."""
    media_root = tmp_path / "var" / "media"
    stores = file_storages("filesystem", uploads_root=tmp_path / "var" / "uploads", bucket="")
    location = Path(stores["uploads"]["OPTIONS"]["location"])

    assert not location.is_relative_to(media_root)
    assert stores["uploads"]["OPTIONS"]["base_url"] is None
    assert Path(django_settings.UPLOADS_ROOT) == Path(django_settings.VAR_DIR) / "uploads"


def test_readyz_says_pictures_are_ok_while_the_bucket_answers(client, bucket, settings):
    settings.FILE_STORAGE = "s3"

    report = client.get("/readyz").json()

    assert report["pictures"]["status"] == "ok" and report["pictures"]["backend"] == "s3"


def test_a_bucket_that_does_not_answer_makes_pictures_degraded_and_uploads_a_503(client, member, settings):
    nobody = f"http://127.0.0.1:{free_port()}"
    stores = file_storages("s3", uploads_root=None, bucket="gone", endpoint_url=nobody, **CREDENTIALS)
    settings.STORAGES = {**settings.STORAGES, **stores}
    settings.FILE_STORAGE = "s3"

    started = time.monotonic()
    report = client.get("/readyz").json()
    client.force_login(member)
    response = send(client, picture("PNG"))

    assert report["pictures"]["status"] == "degraded"
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert not Upload.objects.exists()
    assert time.monotonic() - started < 30
