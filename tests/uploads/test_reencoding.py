"""Every picture is decoded and written afresh: metadata gone, the right way up, bounded, in
the format it came in (a GIF's first frame as PNG), served with that content type."""

import threading
import time
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.conftest import all_at_once
from tests.uploads.conftest import opened, picture, send, stored_files
from uploads import pictures
from uploads.models import Upload

GPS = 0x8825
ORIENTATION = 0x0112


def photo_with_gps(orientation=1, size=(80, 40)) -> bytes:
    """A JPEG as a phone writes it: camera, GPS position and an orientation in its EXIF."""
    exif = Image.Exif()
    exif[0x010F] = "Lumio Phone"  # Make
    exif[0x0110] = "Lumio X1"  # Model
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS).update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 7.0)})
    image = Image.new("RGB", size, (255, 255, 255))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))  # left half red: shows which way is up
    out = BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"taken at home")
    return out.getvalue()


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_a_photos_location_and_camera_are_gone_from_the_stored_picture(client, member, uploads_root):
    original = photo_with_gps()
    assert b"Lumio Phone" in original and b"taken at home" in original
    client.force_login(member)

    answer = send(client, original, "holiday.jpg").json()

    served = b"".join(fetch(client, answer["url"]).streaming_content)
    image = Image.open(BytesIO(served))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert image.getexif().get_ifd(GPS) == {}
    assert b"Lumio" not in served and b"taken at home" not in served and b"Exif" not in served
    (stored,) = stored_files(uploads_root)
    assert stored.read_bytes() == served


def test_the_exif_orientation_is_applied_before_it_is_removed(client, member):
    client.force_login(member)

    answer = send(client, photo_with_gps(orientation=6, size=(80, 40)), "portrait.jpg").json()

    image = opened(fetch(client, answer["url"]))
    assert image.size == (40, 80)  # turned a quarter to the right, as the phone said
    assert answer["width"] == 40 and answer["height"] == 80
    top = image.convert("RGB").getpixel((20, 5))
    assert top[0] > 200 and top[1] < 80  # the red half, now on top


@pytest.mark.parametrize(
    ("sent_as", "name", "stored_as", "content_type"),
    [
        ("PNG", "screen.png", "PNG", "image/png"),
        ("JPEG", "photo.jpg", "JPEG", "image/jpeg"),
        ("WEBP", "photo.webp", "WEBP", "image/webp"),
        ("PNG", "really-a-png.jpg", "PNG", "image/png"),
        ("JPEG", "really-a-jpeg.gif", "JPEG", "image/jpeg"),
    ],
)
def test_a_picture_keeps_its_real_format_whatever_its_name_says(client, member, sent_as, name, stored_as, content_type):
    client.force_login(member)

    answer = send(client, picture(sent_as), name).json()

    response = fetch(client, answer["url"])
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert opened(response).format == stored_as
    assert answer["url"].endswith("." + {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}[stored_as])


def test_an_animated_gif_keeps_its_first_frame_as_a_png(client, member):
    frames = [Image.new("P", (30, 20), index) for index in (1, 2, 3)]
    out = BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    client.force_login(member)

    answer = send(client, out.getvalue(), "blink.gif").json()

    response = fetch(client, answer["url"])
    assert response["Content-Type"] == "image/png"
    image = opened(response)
    assert image.format == "PNG" and getattr(image, "n_frames", 1) == 1 and image.size == (30, 20)


def test_transparency_is_kept_in_a_png(client, member):
    client.force_login(member)

    answer = send(client, picture("PNG", mode="RGBA", colour=(0, 0, 255, 0))).json()

    assert opened(fetch(client, answer["url"])).convert("RGBA").getpixel((1, 1))[3] == 0


def test_a_picture_larger_than_the_largest_side_is_scaled_down(client, member, settings):
    settings.UPLOAD_MAX_SIDE = 500
    settings.UPLOAD_THUMBNAIL_SIDE = 200
    client.force_login(member)

    answer = send(client, picture("PNG", size=(1000, 400))).json()

    assert (answer["width"], answer["height"]) == (500, 200)
    assert opened(fetch(client, answer["url"])).size == (500, 200)
    assert opened(fetch(client, answer["thumbnail"])).size == (200, 80)
    upload = Upload.objects.get()
    assert (upload.thumbnail_width, upload.thumbnail_height) == (200, 80)


def test_a_small_picture_is_its_own_thumbnail(client, member, uploads_root):
    client.force_login(member)

    answer = send(client, picture("PNG", size=(300, 200))).json()

    assert answer["thumbnail"] == answer["url"]
    assert len(stored_files(uploads_root)) == 1


def test_the_answer_gives_markdown_described_by_the_files_name(client, member):
    client.force_login(member)

    answer = send(client, picture("PNG"), "Lamp [settings] (v2).png").json()

    assert answer["markdown"] == f"![Lamp settings v2]({answer['url']})"


def test_without_javascript_the_answer_is_a_page_with_the_markdown_to_copy(client, member):
    client.force_login(member)

    response = client.post("/uploads/", {"file": SimpleUploadedFile("lamp.png", picture("PNG"), "image/png")})

    assert response.status_code == 201
    upload = Upload.objects.get()
    assert f"![lamp]({upload.get_absolute_url()})" in response.content.decode()


def test_the_form_to_send_a_picture_without_javascript_is_for_members(client, member):
    assert client.get("/uploads/new/").status_code == 302
    client.force_login(member)
    response = client.get("/uploads/new/")
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_a_browser_that_has_the_picture_is_answered_304_while_it_may_still_see_it(client, member):
    client.force_login(member)
    answer = send(client, picture("PNG")).json()
    first = fetch(client, answer["url"])

    again = client.get(answer["url"], HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert first["Cache-Control"] == "private, no-cache"


def test_an_address_with_another_extension_is_not_found(client, member):
    client.force_login(member)
    answer = send(client, picture("PNG")).json()

    assert client.get(answer["url"].replace(".png", ".jpg")).status_code == 404
    assert client.get("/uploads/nosuchpicture0000000.png").status_code == 404


def test_a_picture_whose_file_went_missing_is_not_found_rather_than_an_error(client, member, uploads_root):
    client.force_login(member)
    answer = send(client, picture("PNG")).json()
    for path in stored_files(uploads_root):
        path.unlink()

    assert client.get(answer["url"]).status_code == 404


def test_the_pages_of_pictures_stay_within_a_query_budget(client, member, django_assert_max_num_queries):
    client.force_login(member)
    answer = send(client, picture("PNG")).json()

    with django_assert_max_num_queries(6):
        assert client.get("/uploads/new/").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(answer["url"]).status_code == 200


def test_a_phones_mpo_jpeg_is_taken_as_a_jpeg(client, member):
    out = BytesIO()
    Image.new("RGB", (60, 40), (10, 200, 10)).save(
        out, format="MPO", save_all=True, append_images=[Image.new("RGB", (30, 20))]
    )
    client.force_login(member)

    answer = send(client, out.getvalue(), "IMG_0001.JPG").json()

    response = fetch(client, answer["url"])
    assert response["Content-Type"] == "image/jpeg"
    image = opened(response)
    assert image.format == "JPEG" and image.size == (60, 40)


def test_a_process_decodes_two_pictures_at_once_and_the_others_wait_their_turn(monkeypatch):
    running, most = [0], [0]
    lock = threading.Lock()
    real_open = pictures.images.open_picture

    def slow_open(upload, **bounds):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return real_open(upload, **bounds)

    monkeypatch.setattr(pictures.images, "open_picture", slow_open)

    errors = all_at_once(
        [lambda: pictures.prepare_picture(SimpleUploadedFile("p.png", picture("PNG"))) for _ in range(6)]
    )

    assert errors == []
    assert most[0] == pictures.DECODING_AT_ONCE
