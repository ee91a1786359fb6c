"""Announcements: published by staff, a banner on every page (cached), dismissed per browser, pushed live."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications import announcements
from notifications.models import Announcement
from tests.notifications.test_socket import TIMEOUT, session_cookie_for, socket

PUBLISH = "/staff/announcements/"
MESSAGE = "Maintenance tonight from 22:00 to 23:00: the forum will be read-only."


@pytest.fixture
def staff_client(client, staff_member):
    client.force_login(staff_member)
    return client


def publish(by, message=MESSAGE, *, hours=4, thread=None) -> Announcement:
    return announcements.publish(
        by=by, message=message, thread=thread, expires_at=timezone.now() + timedelta(hours=hours)
    )


def shows_banner(response) -> bool:
    assert response.status_code == 200
    return 'id="announcement"' in response.content.decode()


# Publishing -----------------------------------------------------------------------------------


def test_staff_publish_an_announcement_from_the_workspace(
    staff_client, staff_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(PUBLISH, {"message": f"  {MESSAGE}  ", "hours": "24"})

    assert response.status_code == 302
    announcement = Announcement.objects.get()
    assert (announcement.message, announcement.created_by) == (MESSAGE, staff_member)
    assert timedelta(hours=23, minutes=59) < announcement.expires_at - timezone.now() <= timedelta(hours=24)
    assert announcements.active() == announcement


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"message": "", "hours": "24"}, "Write a message of 1 to 280 characters."),
        ({"message": "   ", "hours": "24"}, "Write a message of 1 to 280 characters."),
        ({"message": "x" * 281, "hours": "24"}, "Write a message of 1 to 280 characters."),
        ({"message": MESSAGE, "hours": "0"}, "Choose a duration between 1 hour and 30 days."),
        ({"message": MESSAGE, "hours": "-3"}, "Choose a duration between 1 hour and 30 days."),
        ({"message": MESSAGE, "hours": "soon"}, "Choose a duration between 1 hour and 30 days."),
        ({"message": MESSAGE, "hours": str(24 * 31)}, "Choose a duration between 1 hour and 30 days."),
    ],
    ids=["empty", "blank", "too-long", "already-over", "in-the-past", "not-a-number", "too-far"],
)
def test_a_bad_announcement_is_refused_with_a_message_and_nothing_is_published(staff_client, data, error):
    response = staff_client.post(PUBLISH, data)

    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Announcement.objects.exists()


def test_an_announcement_of_exactly_280_characters_is_accepted(staff_client):
    assert staff_client.post(PUBLISH, {"message": "x" * 280, "hours": "4"}).status_code == 302


def test_an_announcement_that_would_end_in_the_past_is_refused_by_the_service(staff_member):
    with pytest.raises(ValidationError, match=r"The announcement must end in the future\."):
        announcements.publish(by=staff_member, message=MESSAGE, expires_at=timezone.now() - timedelta(minutes=1))

    assert not Announcement.objects.exists()


def test_a_new_announcement_replaces_the_current_one(staff_member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = publish(staff_member, "First news")
        second = publish(staff_member, "Second news")

    first.refresh_from_db()
    assert first.withdrawn_at is not None
    assert announcements.active() == second


# The banner -----------------------------------------------------------------------------------


@pytest.fixture
def thread(make_member, db):
    from forum import services
    from forum.models import Category

    category = Category.objects.create(slug="help", name="Help", kind=Category.Kind.QUESTIONS)
    return services.start_thread(
        category=category, author=make_member("asker"), title="Update 2.4.1 release notes", body="What changed?"
    )


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_the_banner_shows_on_every_page(client, member, staff_member, thread, who, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        publish(staff_member, thread=thread)
    if who == "member":
        client.force_login(member)

    for path in ("/", thread.get_absolute_url(), reverse("profiles:profile", args=[staff_member.username])):
        response = client.get(path)
        assert shows_banner(response), path
        html = response.content.decode()
        assert MESSAGE in html
        assert f'href="{thread.get_absolute_url()}">Read more' in html


def test_the_banner_costs_no_query_once_the_announcement_is_cached(
    client, member, staff_member, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(member)
    client.get("/")  # caches that there is no announcement
    with CaptureQueriesContext(connection) as without:
        assert not shows_banner(client.get("/"))
    baseline = len(without)  # now: each request empties the connection's query log
    with django_capture_on_commit_callbacks(execute=True):
        publish(staff_member)
    assert shows_banner(client.get("/"))  # reads it once and caches it

    with django_assert_num_queries(baseline):
        response = client.get("/")

    assert shows_banner(response)


def test_dismissing_hides_the_banner_in_that_browser_only(member, other_member, staff_member, _request_handler):
    announcement = publish(staff_member)
    mine, theirs, visitor = Client(), Client(), Client()
    mine.force_login(member)
    theirs.force_login(other_member)

    response = mine.post(reverse("staff:dismiss", args=[announcement.pk]), {"next": "/c/help/"})

    assert response.status_code == 302
    assert response.url == "/c/help/"
    assert response.cookies[announcements.DISMISSED_COOKIE].value == str(announcement.pk)
    assert not shows_banner(mine.get("/"))
    assert shows_banner(theirs.get("/"))
    assert shows_banner(visitor.get("/"))


def test_a_visitor_can_dismiss_the_banner_too(client, staff_member):
    announcement = publish(staff_member)

    client.post(reverse("staff:dismiss", args=[announcement.pk]), {"next": "https://evil.example/"})

    assert not shows_banner(client.get("/"))


def test_a_dismissed_announcement_does_not_hide_the_next_one(client, staff_member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = publish(staff_member, "First news")
    client.post(reverse("staff:dismiss", args=[first.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        publish(staff_member, "Second news")

    response = client.get("/")

    assert shows_banner(response)
    assert "Second news" in response.content.decode()


def test_an_expired_announcement_is_gone(client, staff_member):
    announcement = publish(staff_member)
    assert shows_banner(client.get("/"))

    Announcement.objects.filter(pk=announcement.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    cache.delete(announcements.CACHE_KEY)

    assert not shows_banner(client.get("/"))
    assert announcements.active() is None


def test_a_withdrawn_announcement_is_gone(
    staff_client, client, staff_member, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        announcement = publish(staff_member)
    reader = Client()
    reader.force_login(member)
    assert shows_banner(reader.get("/"))

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("staff:withdraw", args=[announcement.pk]))

    assert response.status_code == 302
    announcement.refresh_from_db()
    assert announcement.withdrawn_at is not None
    assert not shows_banner(reader.get("/"))


# Pushed live ----------------------------------------------------------------------------------


@pytest.fixture
def member_cookie(member):
    return session_cookie_for(member)


@pytest.mark.django_db(transaction=True)
async def test_an_open_socket_receives_the_announcement_when_published_and_withdrawn(
    channel_layer, member_cookie, staff_member
):
    reader = socket(cookie=member_cookie)
    connected, _ = await reader.connect(timeout=TIMEOUT)
    assert connected
    assert (await reader.receive_json_from(timeout=TIMEOUT))["type"] == "hello"

    try:
        announcement = await database_sync_to_async(publish)(staff_member)
        published = await reader.receive_json_from(timeout=TIMEOUT)
        await database_sync_to_async(announcements.withdraw)(by=staff_member, announcement=announcement)
        withdrawn = await reader.receive_json_from(timeout=TIMEOUT)
    finally:
        await reader.disconnect()

    expected = {"type": "announcement", "id": announcement.pk, "text": MESSAGE, "url": "", "active": True}
    assert set(published.pop("html")) == {"en", "fr"}  # the banner itself: tests/notifications/test_live_banner.py
    assert published == expected
    assert withdrawn == {**expected, "active": False}


# Links only to what a visitor can read ---------------------------------------------------------


@pytest.fixture
def staff_only_thread(make_member, db):
    from forum import services
    from forum.models import Category

    category = Category.objects.create(slug="internal", name="Internal", access=Category.Access.STAFF)
    return services.start_thread(
        category=category, author=make_member("planner", staff=True), title="Recall of batch 7", body="Quietly."
    )


def test_an_announcement_linking_to_a_staff_only_thread_is_refused_with_a_form_error(staff_client, staff_only_thread):
    response = staff_client.post(
        PUBLISH, {"message": MESSAGE, "hours": "4", "thread": staff_only_thread.get_absolute_url()}
    )

    assert response.status_code == 400
    assert "An announcement can link only to a thread that visitors can read." in response.content.decode()
    assert not Announcement.objects.exists()


@pytest.mark.django_db(transaction=True)
async def test_a_linked_thread_that_becomes_staff_only_disappears_from_the_banner_and_the_push(
    channel_layer, client, member_cookie, staff_member, moderator, thread
):
    from forum.models import Category
    from moderation import actions

    linked = await database_sync_to_async(publish)(staff_member, thread=thread)
    internal = await database_sync_to_async(Category.objects.create)(
        slug="internal", name="Internal", access=Category.Access.STAFF
    )
    await database_sync_to_async(actions.move_thread)(thread=thread, by=moderator, category=internal)

    html = (await database_sync_to_async(client.get)("/")).content.decode()
    assert MESSAGE in html
    assert thread.get_absolute_url() not in html

    reader = socket(cookie=member_cookie)
    await reader.connect(timeout=TIMEOUT)
    await reader.receive_json_from(timeout=TIMEOUT)
    try:
        await database_sync_to_async(announcements.withdraw)(by=staff_member, announcement=linked)
        withdrawn = await reader.receive_json_from(timeout=TIMEOUT)
    finally:
        await reader.disconnect()
    assert (withdrawn["id"], withdrawn["url"]) == (linked.pk, "")
