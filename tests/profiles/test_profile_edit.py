"""Editing one's profile at /u/<username>/edit/: who may, what is saved, avatars, language."""

from datetime import timedelta
from html.parser import HTMLParser
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from profiles import avatars, events
from profiles.models import Member
from profiles.services import update_profile
from reputation.models import BadgeAward


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Avatars are written under a temporary MEDIA_ROOT, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def profile_updates():
    """Every profile_updated event sent during the test, as its keyword arguments."""
    sent = []

    def receive(sender, **kwargs):
        sent.append({"sender": sender, **kwargs})

    events.profile_updated.connect(receive, weak=False, dispatch_uid="test-profile-updates")
    yield sent
    events.profile_updated.disconnect(dispatch_uid="test-profile-updates")


def edit_url(member):
    return reverse("profiles:edit", args=[member.username])


def picture(fmt="PNG", size=(600, 400), colour=(200, 40, 40), mode="RGB", exif=None, name=None) -> SimpleUploadedFile:
    image = Image.new(mode, size, colour)
    out = BytesIO()
    options = {"exif": exif} if exif is not None else {}
    image.save(out, format=fmt, **options)
    extension = {"JPEG": "jpg"}.get(fmt, fmt.lower())
    content_type = f"image/{'jpeg' if fmt == 'JPEG' else fmt.lower()}"
    return SimpleUploadedFile(name or f"me.{extension}", out.getvalue(), content_type=content_type)


def exif_with_location():
    exif = Image.Exif()
    exif[0x010F] = "Spy Camera Co"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x0131] = "secret-software"  # Software
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}  # GPS
    return exif


def form_data(**overrides):
    data = {"display_name": "Alice M.", "bio": "", "location": "", "website": "", "language": ""}
    data.update(overrides)
    return data


def start_tags(html: str) -> list[tuple[str, dict]]:
    tags = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append((tag, dict(attrs)))

    Collector().feed(html)
    return tags


def stored_image(member) -> Image.Image:
    member.refresh_from_db()
    with default_storage.open(member.avatar.name) as f:
        image = Image.open(BytesIO(f.read()))
        image.load()
    return image


# Who may edit ---------------------------------------------------------------------------------------


def test_a_visitor_is_sent_to_log_in(client, member):
    response = client.get(edit_url(member))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("viewer", ["other_member", "staff_member", "moderator", "admin_member"])
def test_nobody_else_may_edit_a_profile(client, member, viewer, request):
    client.force_login(request.getfixturevalue(viewer))

    assert client.get(edit_url(member)).status_code == 403
    assert client.post(edit_url(member), form_data(display_name="Hacked")).status_code == 403
    member.refresh_from_db()
    assert member.display_name == "Alice Martin"


def test_a_suspended_member_may_not_edit_their_profile(client, make_member):
    sam = make_member("sam", suspended_until=timezone.now() + timedelta(days=2))
    client.force_login(sam)

    response = client.get(edit_url(sam))

    assert response.status_code == 403
    assert "suspended" in response.content.decode()


def test_the_member_gets_the_form_filled_with_their_profile(member_client, member):
    Member.objects.filter(pk=member.pk).update(location="Lyon", bio="Hello **there**")

    response = member_client.get(edit_url(member))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Alice Martin"' in html
    assert 'value="Lyon"' in html
    assert "Hello **there**" in html
    assert 'enctype="multipart/form-data"' in html
    assert "remove_avatar" not in html  # nothing to remove yet


def test_an_unknown_member_is_404(member_client):
    assert member_client.get("/u/nobody-here/edit/").status_code == 404


# Saving ---------------------------------------------------------------------------------------------


def test_saving_updates_the_profile_and_announces_what_changed(member_client, member, profile_updates):
    response = member_client.post(
        edit_url(member),
        form_data(
            display_name="  Alice the Bright  ",
            bio="I fix **lamps**.",
            location="Lyon, France",
            website="https://alice.example/",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("profiles:profile", args=["alice"])
    member.refresh_from_db()
    assert member.display_name == "Alice the Bright"
    assert member.bio == "I fix **lamps**."
    assert member.bio_html == "<p>I fix <strong>lamps</strong>.</p>\n"
    assert member.location == "Lyon, France"
    assert member.website == "https://alice.example/"
    assert len(profile_updates) == 1
    assert profile_updates[0]["sender"] is Member
    assert profile_updates[0]["member"].pk == member.pk
    assert sorted(profile_updates[0]["changed"]) == ["bio", "display_name", "location", "website"]
    page = member_client.get(response["Location"]).content.decode()
    assert "Your profile was saved." in page
    assert "<strong>lamps</strong>" in page


def test_saving_nothing_new_sends_no_event(member_client, member, profile_updates):
    response = member_client.post(edit_url(member), form_data(display_name="Alice Martin"))

    assert response.status_code == 302
    assert profile_updates == []


def test_the_bio_markdown_is_sanitized(member_client, member):
    bio = (
        "Hi <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> "
        '<a href="javascript:alert(2)">y</a> **ok**'
    )

    member_client.post(edit_url(member), form_data(bio=bio))

    member.refresh_from_db()
    tags = start_tags(member.bio_html)
    assert {tag for tag, _ in tags} <= {"p", "a", "strong"}
    for _tag, attrs in tags:
        assert not any(name.startswith("on") for name in attrs)
        assert not attrs.get("href", "").lower().startswith("javascript:")
    assert "<strong>ok</strong>" in member.bio_html


@pytest.mark.parametrize("website", ["javascript:alert(1)", "ftp://files.example/", "data:text/html,hi", "not a url"])
def test_only_http_and_https_websites_are_accepted(member_client, member, website):
    response = member_client.post(edit_url(member), form_data(website=website))

    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    member.refresh_from_db()
    assert member.website == ""


def test_a_website_without_a_scheme_gets_https(member_client, member):
    member_client.post(edit_url(member), form_data(website="alice.example"))

    member.refresh_from_db()
    assert member.website == "https://alice.example"


def test_too_long_fields_are_refused_with_a_message(member_client, member):
    response = member_client.post(edit_url(member), form_data(display_name="x" * 61, location="y" * 81))

    assert response.status_code == 400
    html = response.content.decode()
    assert html.count('class="errorlist"') >= 2


def test_the_service_refuses_unsafe_websites_and_unknown_fields(member):
    with pytest.raises(ValidationError):
        update_profile(member=member, website="javascript:alert(1)")
    with pytest.raises(ValidationError):
        update_profile(member=member, website="ftp://files.example/")
    with pytest.raises(TypeError):
        update_profile(member=member, email="evil@example.com")
    member.refresh_from_db()
    assert member.website == ""


def test_choosing_a_language_switches_the_interface(member_client, member):
    response = member_client.post(edit_url(member), form_data(language="fr"))

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "fr"
    member.refresh_from_db()
    assert member.language == "fr"
    page = member_client.get(response["Location"])
    assert '<html lang="fr">' in page.content.decode()


def test_an_unknown_language_is_refused(member_client, member):
    response = member_client.post(edit_url(member), form_data(language="xx"))

    assert response.status_code == 400


def test_completing_the_profile_earns_the_autobiographer_badge(member_client, member):
    member_client.post(
        edit_url(member),
        {**form_data(bio="Hello", location="Lyon"), "avatar": picture()},
    )

    assert BadgeAward.objects.filter(member=member, badge="autobiographer").exists()
    member.refresh_from_db()
    assert member.bronze_badges == 1


# Avatars --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_an_uploaded_picture_is_cropped_to_a_256_pixel_square(member_client, member, fmt):
    response = member_client.post(edit_url(member), {**form_data(), "avatar": picture(fmt, size=(900, 500))})

    assert response.status_code == 302
    image = stored_image(member)
    assert image.size == (256, 256)
    assert image.mode == "RGB"
    assert image.format in {"PNG", "WEBP"}
    assert not member.avatar.name.endswith(f"me.{fmt.lower()}")
    assert member.avatar.name.startswith("avatars/")


def test_the_stored_avatar_has_a_random_name_and_no_exif(member_client, member):
    upload = picture("JPEG", exif=exif_with_location(), name="holiday-in-paris.jpg")
    assert Image.open(BytesIO(upload.read())).getexif()  # the upload carries EXIF
    upload.seek(0)

    member_client.post(edit_url(member), {**form_data(), "avatar": upload})

    image = stored_image(member)
    assert "holiday" not in member.avatar.name
    assert len(image.getexif()) == 0
    assert "exif" not in image.info
    with default_storage.open(member.avatar.name) as f:
        raw = f.read()
    assert b"Spy Camera Co" not in raw and b"secret-software" not in raw


def test_a_transparent_png_is_flattened_on_white(member_client, member):
    member_client.post(edit_url(member), {**form_data(), "avatar": picture(mode="RGBA", colour=(0, 0, 0, 0))})

    image = stored_image(member)
    assert image.getpixel((128, 128))[:3] == pytest.approx((255, 255, 255), abs=3)


def test_the_avatar_replaces_the_initials_on_the_profile_and_author_cards(member_client, member):
    member_client.post(edit_url(member), {**form_data(), "avatar": picture()})
    member.refresh_from_db()

    html = member_client.get(reverse("profiles:profile", args=["alice"])).content.decode()

    assert member.avatar.url in html
    assert 'class="avatar avatar-lg"' in html


def test_a_text_file_named_png_is_refused_with_a_form_error(member_client, member):
    fake = SimpleUploadedFile("me.png", b"This is not a picture, just text.\n" * 10, content_type="image/png")

    response = member_client.post(edit_url(member), {**form_data(display_name="Changed"), "avatar": fake})

    assert response.status_code == 400
    assert "not a picture we can use" in response.content.decode()
    member.refresh_from_db()
    assert not member.avatar
    assert member.display_name == "Alice Martin"  # nothing half-written


def test_a_truncated_picture_is_refused(member_client, member):
    whole = picture("PNG", size=(300, 300)).read()
    broken = SimpleUploadedFile("me.png", whole[: len(whole) // 2], content_type="image/png")

    response = member_client.post(edit_url(member), {**form_data(), "avatar": broken})

    assert response.status_code == 400
    member.refresh_from_db()
    assert not member.avatar


def test_a_picture_of_too_many_pixels_is_refused(member_client, member):
    huge = picture("PNG", size=(10_000, 5_000), mode="1", colour=0)  # 50 megapixels, a few kilobytes
    assert huge.size < 200_000

    response = member_client.post(edit_url(member), {**form_data(), "avatar": huge})

    assert response.status_code == 400
    assert "40 megapixels at most" in response.content.decode()
    member.refresh_from_db()
    assert not member.avatar


def test_a_file_over_5_mb_is_refused(member_client, member):
    big = SimpleUploadedFile("me.png", b"\0" * (avatars.MAX_BYTES + 1), content_type="image/png")

    response = member_client.post(edit_url(member), {**form_data(), "avatar": big})

    assert response.status_code == 400
    assert "5 MB at most" in response.content.decode()


def test_other_image_formats_are_refused(member_client, member):
    response = member_client.post(edit_url(member), {**form_data(), "avatar": picture("BMP", name="me.bmp")})

    assert response.status_code == 400
    member.refresh_from_db()
    assert not member.avatar


def test_removing_the_avatar_brings_back_the_initials_and_deletes_the_file(
    member_client, member, django_capture_on_commit_callbacks
):
    member_client.post(edit_url(member), {**form_data(), "avatar": picture()})
    member.refresh_from_db()
    old = member.avatar.name
    assert default_storage.exists(old)

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(edit_url(member), {**form_data(), "remove_avatar": "on"})

    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.avatar
    assert not default_storage.exists(old)
    html = member_client.get(reverse("profiles:profile", args=["alice"])).content.decode()
    assert "avatar-initials" in html


def test_a_new_avatar_replaces_the_old_file(member_client, member, django_capture_on_commit_callbacks):
    member_client.post(edit_url(member), {**form_data(), "avatar": picture()})
    member.refresh_from_db()
    old = member.avatar.name

    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(edit_url(member), {**form_data(), "avatar": picture(colour=(0, 90, 200))})

    member.refresh_from_db()
    assert member.avatar.name != old
    assert default_storage.exists(member.avatar.name)
    assert not default_storage.exists(old)
