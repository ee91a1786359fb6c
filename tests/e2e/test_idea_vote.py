"""A member votes for an idea in one click, without a page reload, and takes the vote back.

One browser against the real daphne; the idea is written through forum.services in the
server's database. The page is the copy members share (the page cache is on), with the
member's own vote button filled in.
"""

import json
import secrets

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PEOPLE_SETUP, log_in

SETUP = """
ines = person("ines{token}", "Ines {token}")
noah = person("noah{token}", "Noah {token}")
category = Category.objects.create(slug="ideas-{token}", name="Ideas {token}", kind=Category.Kind.IDEAS)
with limits.exempt():
    thread = services.start_thread(
        category=category, author=ines, title={title!r}, body="Scenes could follow the sunset, day by day."
    )
print(json.dumps({{"thread": thread.get_absolute_url()}}))
"""


@pytest.fixture(autouse=True)
def _no_posting_limits():
    """Overrides the suite's, which needs pytest-django (absent here): the server has its own settings."""


@pytest.fixture
def idea(manage):
    token = secrets.token_hex(3)
    title = f"Scenes that follow the sunset ({token})"
    output = manage("shell", "-c", PEOPLE_SETUP + SETUP.format(token=token, title=title)).stdout
    return {"voter": (f"noah{token}", f"Noah {token}"), "url": json.loads(output.strip().splitlines()[-1])["thread"]}


def test_a_vote_counts_at_once_and_can_be_taken_back(idea, page):
    username, name = idea["voter"]
    log_in(page, username, name, idea["url"])
    panel = page.locator("#idea")
    expect(panel.locator("[data-idea-count]")).to_have_text("0")
    page.evaluate("window.notReloaded = true")

    page.get_by_role("button", name="Vote for this idea").click()

    expect(panel.locator("[data-idea-count]")).to_have_text("1")
    vote = page.get_by_role("button", name="You vote for this")
    expect(vote).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.notReloaded") is True

    vote.click()

    expect(panel.locator("[data-idea-count]")).to_have_text("0")
    expect(page.get_by_role("button", name="Vote for this idea")).to_have_attribute("aria-pressed", "false")
    page.reload()
    expect(panel.locator("[data-idea-count]")).to_have_text("0")
    expect(page.get_by_role("button", name="Vote for this idea")).to_be_visible()
