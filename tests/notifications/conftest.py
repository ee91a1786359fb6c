"""Notification fixtures: threads made through the forum services, and a cast of members.

Every notification in these tests is written by the real receivers, reacting
to the real forum services, so the rows are the ones the site would write.
"""

import pytest


@pytest.fixture
def start_thread(make_thread):
    """services.start_thread with a unique title by default (the shared make_thread)."""
    return make_thread


@pytest.fixture
def carol(make_member):
    return make_member("carol", display_name="Carol Nguyen")


@pytest.fixture
def dmitri(make_member):
    return make_member("dmitri", display_name="Dmitri Roux")
