"""The dismissed-announcements cookie is the browser's to forge: a damaged one never breaks a page.

Sent as a raw Cookie header, as a browser (or anyone with curl) would send it.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications import announcements

SUPERSCRIPT_TWO = "²"  # str.isdigit() says yes, int() says no


def raw_cookie(value: str) -> dict:
    # A WSGI header is bytes read as Latin-1, so UTF-8 travels as its Latin-1 reading.
    return {"HTTP_COOKIE": f"{announcements.DISMISSED_COOKIE}={value}".encode().decode("latin-1")}


FORGED = [
    pytest.param(SUPERSCRIPT_TWO, id="superscript two"),
    pytest.param(f"7.{SUPERSCRIPT_TWO}.8", id="superscript among ids"),
    pytest.param("٣", id="Arabic-Indic digit"),
    pytest.param("9" * 5000, id="a 5000-digit number"),
    pytest.param("9" * 19, id="beyond a bigint"),
    pytest.param("-1.+2. 3.0x4", id="signs and spaces"),
]
MANY_IDS = pytest.param(".".join(str(n) for n in range(100, 2100)), id="2000 ids")


@pytest.fixture
def announcement(staff_member):
    return announcements.publish(
        by=staff_member, message="Maintenance tonight", expires_at=timezone.now() + timedelta(hours=4)
    )


@pytest.fixture
def visitor(_request_handler):
    client = Client()
    client.handler = _request_handler
    return client


@pytest.mark.parametrize("value", [*FORGED, MANY_IDS])
@pytest.mark.parametrize("page_cache", [False, True], ids=["page cache off", "page cache on"])
def test_a_forged_dismissal_cookie_still_shows_pages_and_the_banner(
    visitor, member, announcement, settings, value, page_cache
):
    settings.PAGE_CACHE = page_cache
    home = visitor.get("/", **raw_cookie(value))
    missing = visitor.get("/no-such-page/", **raw_cookie(value))
    visitor.force_login(member)
    as_member = visitor.get("/", **raw_cookie(value))

    assert (home.status_code, missing.status_code, as_member.status_code) == (200, 404, 200)
    assert 'id="announcement"' in home.content.decode()
    assert 'id="announcement"' in as_member.content.decode()


@pytest.mark.parametrize("value", FORGED)
def test_dismissing_over_a_forged_cookie_writes_a_clean_one(visitor, announcement, value):
    response = visitor.post(reverse("staff:dismiss", args=[announcement.pk]), **raw_cookie(value))

    assert response.status_code == 302
    written = response.cookies[announcements.DISMISSED_COOKIE].value
    assert written.replace(".", "").isascii() and written.replace(".", "").isdigit()
    assert str(announcement.pk) in written.split(".")
    assert len(written.split(".")) <= announcements.DISMISSED_KEPT
    assert 'id="announcement"' not in visitor.get("/").content.decode()


def test_a_valid_cookie_among_forged_parts_still_dismisses(visitor, announcement):
    response = visitor.get("/", **raw_cookie(f"{SUPERSCRIPT_TWO}.{announcement.pk}.{'9' * 40}"))

    assert response.status_code == 200
    assert 'id="announcement"' not in response.content.decode()


def test_visitors_with_different_forged_cookies_share_one_cached_page(visitor, announcement, settings):
    settings.PAGE_CACHE = True
    visitor.get("/", **raw_cookie("7.8.9"))

    response = visitor.get("/", **raw_cookie("10.11.12"))

    assert response["X-Page-Cache"] == "hit"
