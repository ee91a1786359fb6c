"""An incident from declaration to resolution, in two browsers against the real daphne: brand
staff declare it, a member's open page shows the banner without a reload, the member starting a
thread in a concerned category is pointed to the incident and follows it, staff resolve it, and
the banner leaves the member's open page.
"""

import secrets

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PEOPLE_SETUP, SOCKET_OPEN, log_in, wait_until

SETUP = """
from profiles.services import grant_role

people = {{key: person(f"{{key}}{token}", f"{{key.title()}} {token}") for key in ("ines", "sam")}}
grant_role(member=people["sam"], role="staff", title="Lumio Support")
Category.objects.create(slug="news-{token}", name="News {token}")
Category.objects.create(slug="help-{token}", name="Help {token}", kind=Category.Kind.QUESTIONS)
"""


@pytest.fixture(autouse=True)
def _no_posting_limits():
    """Overrides the suite's, which needs pytest-django (absent here): the server has its own settings."""


@pytest.fixture
def cast(manage):
    token = secrets.token_hex(3)
    manage("shell", "-c", PEOPLE_SETUP + SETUP.format(token=token))
    return {"token": token, **{key: (f"{key}{token}", f"{key.title()} {token}") for key in ("ines", "sam")}}


def test_staff_declare_an_incident_a_member_is_pointed_to_it_and_staff_resolve_it(cast, open_browser):
    token = cast["token"]
    title = f"Lamps blink after update 2.4 ({token})"

    ines = open_browser()
    log_in(ines, *cast["ines"], "/")
    wait_until(ines, SOCKET_OPEN)

    # Sam, of the brand's team, declares it.
    sam = open_browser()
    log_in(sam, *cast["sam"], "/incidents/new/")
    sam.get_by_label("Title in English").fill(title)
    sam.get_by_label("Public statement in English").fill("Some lamps blink after update 2.4. We are on it.")
    sam.get_by_label("Category of the incident's thread").select_option(label=f"News {token}")
    sam.get_by_label("Concerned categories").select_option(label=f"Help {token}")
    sam.get_by_role("button", name="Declare the incident").click()
    expect(sam.get_by_role("heading", level=1)).to_contain_text(title)
    incident_url = sam.url

    # Ines's open page shows the banner without a reload.
    banner = ines.get_by_role("region", name="Incident")
    expect(banner).to_contain_text(title)

    # Starting a thread in Help, she is pointed to the incident, and follows it instead.
    ines.goto("/t/new/")
    ines.get_by_label("Category").select_option(label=f"Help {token}")
    hint = ines.locator("#incident-hint")
    expect(hint).to_contain_text(f"Is this about “{title}”?")
    hint.get_by_role("link", name="Follow the incident instead").click()
    ines.get_by_role("button", name="Follow the incident").click()
    expect(ines.get_by_text("You follow this incident.")).to_be_visible()

    # Sam resolves it; the banner leaves Ines's open page.
    sam.goto(incident_url)
    sam.get_by_label("Status").select_option(label="Resolved")
    sam.get_by_label("Update in English").fill("Update 2.4.1 fixes the blinking.")
    sam.get_by_role("button", name="Post the update").click()
    expect(sam.locator("h1 .badge")).to_have_text("Resolved")
    expect(ines.get_by_role("region", name="Incident")).to_have_count(0)
    ines.reload()
    expect(ines.locator(".incident-timeline")).to_contain_text("Update 2.4.1 fixes the blinking.")
