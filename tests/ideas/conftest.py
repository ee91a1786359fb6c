"""Ideas fixtures: an ideas category open to everyone, one for staff only, and an idea that
the default member proposed."""

import pytest

from forum.models import Category

IDEA_TITLE = "Let scenes follow the sunset"


@pytest.fixture
def ideas_category(make_category):
    return make_category("ideas", name="Ideas", kind=Category.Kind.IDEAS, position=4)


@pytest.fixture
def staff_ideas(make_category):
    return make_category("staff-ideas", name="Staff ideas", kind=Category.Kind.IDEAS, access=Category.Access.STAFF)


@pytest.fixture
def idea(make_thread, ideas_category, member):
    return make_thread(category=ideas_category, author=member, title=IDEA_TITLE)
