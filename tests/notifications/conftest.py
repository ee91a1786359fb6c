"""Notification fixtures: categories, threads made through the forum services, and a cast of members.

Every notification in these tests is written by the real receivers, reacting
to the real forum services, so the rows are the ones the site would write.
"""

import pytest

from forum import services
from forum.models import Category


@pytest.fixture
def discussion(db):
    return Category.objects.create(slug="general", name="General", position=1)


@pytest.fixture
def questions(db):
    return Category.objects.create(slug="help", name="Help", kind=Category.Kind.QUESTIONS, position=2)


@pytest.fixture
def staff_category(db):
    return Category.objects.create(slug="staff-room", name="Staff room", access=Category.Access.STAFF, position=3)


@pytest.fixture
def start_thread(db):
    """services.start_thread with a unique title by default."""
    counter = iter(range(1, 10_000))

    def start(*, category, author, title=None, body="What do you think?"):
        return services.start_thread(
            category=category, author=author, title=title or f"A thread worth reading number {next(counter)}", body=body
        )

    return start


@pytest.fixture
def carol(make_member):
    return make_member("carol", display_name="Carol Nguyen")


@pytest.fixture
def dmitri(make_member):
    return make_member("dmitri", display_name="Dmitri Roux")
