"""Conversations made through the real services, as the pages make them."""

import pytest

from conversations import services
from tests.notifications.test_delivery import sockets  # noqa: F401 (open sockets by session cookie, as browsers)


@pytest.fixture
def start(db):
    """A member writes to the team (services.start_team_conversation)."""

    def make(member, *, subject="My order never arrived", body="Order **A-1234**, paid on Monday.", category=None):
        return services.start_team_conversation(member=member, subject=subject, body=body, category=category)

    return make


@pytest.fixture
def conversation(start, member, staff_member):
    """Alice wrote to the team; Sophie (staff) answered, so both take part."""
    conversation = start(member)
    services.post_message(conversation=conversation, author=staff_member, body="Let me check, Alice.")
    return conversation
