"""The loop ideas exist for, in four browsers against the real daphne: a member proposes an idea,
two members vote for it, brand staff set it *planned* with a note, a voter who has another page
open sees the notification arrive without a reload, and the roadmap shows the idea.
"""

import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PEOPLE_SETUP, log_in
from tests.e2e.test_live_notifications import bell_of, wait_for_frame

SETUP = """
from profiles.services import grant_role

people = {{
    key: person(f"{{key}}{token}", f"{{key.title()}} {token}") for key in ("ines", "noah", "lea", "sam")
}}
grant_role(member=people["sam"], role="staff", title="Lumio Product Team")
Category.objects.create(slug="ideas-{token}", name="Ideas {token}", kind=Category.Kind.IDEAS)
print(json.dumps({{"category": "ideas-{token}"}}))
"""


@pytest.fixture(autouse=True)
def _no_posting_limits():
    """Overrides the suite's, which needs pytest-django (absent here): the server has its own settings."""


@pytest.fixture
def cast(manage):
    token = secrets.token_hex(3)
    manage("shell", "-c", PEOPLE_SETUP + SETUP.format(token=token))
    return {
        "token": token,
        **{key: (f"{key}{token}", f"{key.title()} {token}") for key in ("ines", "noah", "lea", "sam")},
    }


def test_an_idea_goes_from_proposal_to_the_roadmap(cast, open_browser):
    token = cast["token"]
    title = f"Scenes that follow the sunset ({token})"

    # Ines proposes it from the ideas page.
    ines = open_browser()
    log_in(ines, *cast["ines"], "/ideas/")
    ines.get_by_role("link", name="Propose an idea").click()
    ines.get_by_label("Category").select_option(label=f"Ideas {token}")
    ines.get_by_label("Title").fill(title)
    ines.get_by_label("Message").fill("The evening scene could start at sunset, whatever the season.")
    ines.get_by_role("button", name="Post thread").click()
    expect(ines.get_by_role("heading", level=1)).to_have_text(title)
    idea_url = ines.url

    # Noah and Léa vote; Noah keeps a page open on his notifications.
    noah, lea = open_browser(), open_browser()
    frames = []
    noah.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
    for voter, person in ((noah, cast["noah"]), (lea, cast["lea"])):
        log_in(voter, *person, idea_url)
        voter.get_by_role("button", name="Vote for this idea").click()
        expect(voter.get_by_role("button", name="You vote for this")).to_be_visible()
    expect(lea.locator("#idea [data-idea-count]")).to_have_text("2")
    noah.goto("/ideas/")
    expect(noah.get_by_role("link", name=title)).to_be_visible()
    bell = bell_of(noah)
    expect(bell).to_have_text(re.compile(r"\b0 unread"))
    wait_for_frame(frames, noah, "hello")
    noah.evaluate("window.stillTheSamePage = true")

    # Sam, of the brand's team, sets it planned with a note.
    sam = open_browser()
    log_in(sam, *cast["sam"], idea_url)
    sam.locator("#idea summary", has_text="Set the status").click()
    sam.get_by_label("New status").select_option(label="Planned")
    sam.get_by_label("Public note").fill("Planned for the spring update, with a sunset offset you choose.")
    sam.locator("#idea").get_by_role("button", name="Set the status").click()
    expect(sam.locator("#idea .idea-status")).to_have_text("Planned")

    # Noah's open page hears of it at once.
    expect(bell).to_have_text(re.compile(r"\b1 unread"))
    assert noah.evaluate("window.stillTheSamePage") is True
    bell.click()
    expect(noah.get_by_role("link", name=f"New status for “{title}”: Planned")).to_be_visible()

    # The roadmap shows it in its column, for everyone.
    visitor = open_browser()
    visitor.goto("/roadmap/")
    planned = visitor.get_by_role("region", name=re.compile("^Planned"))
    expect(planned.get_by_role("link", name=title)).to_be_visible()
