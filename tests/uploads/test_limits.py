"""Pictures a member may upload a day, fewer for a new account; staff and moderators exempt.
Over a limit: 429 with Retry-After, like the posting limits, and nothing stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.uploads.conftest import picture, send, stored_files
from uploads.models import Upload


@pytest.fixture(autouse=True)
def _limits_on(settings):
    settings.POSTING_LIMITS = True
    settings.UPLOADS_PER_DAY = 3
    settings.NEW_ACCOUNT_UPLOADS = 2
    settings.NEW_ACCOUNT_HOURS = 24


def send_many(client, member, count) -> list[int]:
    client.force_login(member)
    return [send(client, picture("PNG")).status_code for _ in range(count)]


def test_a_member_uploads_up_to_the_days_limit_then_is_told_to_come_back_tomorrow(client, regular, uploads_root):
    assert send_many(client, regular, 3) == [201, 201, 201]

    response = send(client, picture("PNG"))

    assert response.status_code == 429
    assert response.json()["error"] == "You can upload 3 pictures a day. Please continue tomorrow."
    assert 0 < int(response["Retry-After"]) <= 24 * 3600
    assert Upload.objects.count() == 3
    assert len(stored_files(uploads_root)) == 3


def test_a_new_account_may_upload_fewer_until_it_is_a_day_old(client, newcomer):
    assert send_many(client, newcomer, 3) == [201, 201, 429]

    response = send(client, picture("PNG"))

    assert response.json()["error"] == "New accounts can upload 2 pictures in their first day."
    assert int(response["Retry-After"]) <= 23 * 3600  # when the account stops being new


@pytest.mark.parametrize("role", ["staff", "moderator"])
def test_staff_and_moderators_are_exempt(client, make_member, role):
    exempt = make_member(f"exempt-{role}", **{"staff" if role == "staff" else "moderator": True})

    assert send_many(client, exempt, 5) == [201] * 5


def test_refused_files_count_too_since_decoding_them_is_the_cost(client, regular):
    client.force_login(regular)
    for _ in range(3):
        assert send(client, b"<html></html>").status_code == 400

    assert send(client, picture("PNG")).status_code == 429


def test_the_limit_is_per_member(client, regular, make_member):
    send_many(client, regular, 3)
    other = make_member("other-regular", date_joined=regular.date_joined)

    assert send_many(client, other, 1) == [201]


def test_without_javascript_the_limit_is_the_form_again_with_429(client, regular):
    send_many(client, regular, 3)

    response = client.post("/uploads/", {"file": SimpleUploadedFile("x.png", picture("PNG"), "image/png")})

    assert response.status_code == 429
    assert "Retry-After" in response
    assert "3 pictures a day" in response.content.decode()
