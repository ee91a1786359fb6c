"""Moderation fixtures: categories, threads made through the forum services, reporters, clients per person.

Every report, hide and suspension in these tests goes through the real
services (moderation/reports.py, moderation/actions.py), so the rows, counters,
audit entries and notifications are the ones the site would write.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from forum.models import Category
from notifications.models import Notification


@pytest.fixture
def client_for(_request_handler):
    """A fresh client logged in as `person` (a visitor for None)."""

    def make(person):
        client = Client()
        client.handler = _request_handler
        if person is not None:
            client.force_login(person)
        return client

    return make


@pytest.fixture
def discussion(db):
    return Category.objects.create(slug="general", name="General", position=1)


@pytest.fixture
def lounge(db):
    return Category.objects.create(slug="lounge", name="Lounge", position=2)


@pytest.fixture
def staff_category(db):
    return Category.objects.create(slug="staff-room", name="Staff room", access=Category.Access.STAFF, position=3)


@pytest.fixture
def reporters(make_member):
    """Three members with nothing to do with the content they report."""
    return [make_member(f"reporter{n}", display_name=f"Reporter {n}") for n in range(1, 4)]


@pytest.fixture
def suspended_member(make_member):
    return make_member(
        "sam",
        display_name="Sam Suspended",
        suspended_until=timezone.now() + timedelta(days=3),
        suspension_reason="Spam links in five threads",
    )


@pytest.fixture
def thread(make_thread, discussion, member, other_member):
    """Alice's thread in General, with a reply by Bruno."""
    return make_thread(
        category=discussion,
        author=member,
        title="Which lamp for a reading corner",
        body="I need a warm light for reading.",
        tags=["lamps"],
        replies=[(other_member, "Buy the cheapest one from my shop at spam.example.")],
    )


@pytest.fixture
def opening(thread):
    return thread.posts.get(is_opening=True)


@pytest.fixture
def reply(thread):
    return thread.posts.get(is_opening=False)


@pytest.fixture
def notified(db):
    """notified(member, kind): the notifications of that kind the member received, oldest first."""

    def of(member, kind) -> list[Notification]:
        return list(Notification.objects.filter(recipient=member, kind=kind).order_by("id"))

    return of
