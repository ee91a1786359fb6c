"""Notification fixtures: threads made through the forum services.

Every notification in these tests is written by the real receivers, reacting
to the real forum services, so the rows are the ones the site would write.
"""

import pytest


@pytest.fixture
def start_thread(make_thread):
    """services.start_thread with a unique title by default (the shared make_thread)."""
    return make_thread
