"""A member asks; a staff member finds the question in the queue, claims it and answers; the figures count it.

Two browser profiles (the member's and the staff member's) against one real daphne.
Elements are found by role and label, as a screen reader would.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD
from tests.e2e.conftest import log_in as log_in_as

TITLE = "My Halo lamp blinks after the 2.4 update"

SETUP = f"""
from allauth.account.models import EmailAddress
from forum.models import Category
from profiles.models import Member

Category.objects.get_or_create(
    slug="lamp-help", defaults=dict(name="Lamp help", kind=Category.Kind.QUESTIONS, response_target_hours=24)
)
for username, staff in (("nadia", False), ("olivier", True)):
    if not Member.objects.filter(username=username).exists():
        member = Member.objects.create_user(
            username=username, email=f"{{username}}@example.com", password="{PASSWORD}",
            display_name=username.title(), is_brand_staff=staff, staff_title="Halo Support" if staff else "",
        )
        EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
"""


@pytest.fixture(autouse=True)
def _no_posting_limits():
    """Overrides the suite's, which needs pytest-django (absent here): the server has its own settings."""


@pytest.fixture(scope="module")
def people(manage):
    manage("shell", "-c", SETUP)


def log_in(page, username):
    log_in_as(page, username, username.title())


def test_a_question_goes_through_the_staff_queue_and_into_the_figures(people, open_browser):
    asker, staff = open_browser(), open_browser()

    # The member asks.
    log_in(asker, "nadia")
    asker.goto("/t/new/?category=lamp-help")
    asker.get_by_label("Title").fill(TITLE)
    asker.get_by_label("Message").fill("Since the update the lamp blinks every few seconds. Any idea?")
    asker.get_by_role("button", name="Post thread").click()
    expect(asker.get_by_role("heading", level=1)).to_have_text(TITLE)

    # It waits in the staff queue.
    log_in(staff, "olivier")
    staff.goto("/staff/")
    row = staff.get_by_role("listitem").filter(has=staff.get_by_role("link", name=TITLE))
    expect(row).to_be_visible()
    expect(row).to_contain_text("unassigned")

    # The staff member claims it, then answers on the thread page.
    row.get_by_role("button", name="Claim").click()
    expect(staff.get_by_role("status")).to_contain_text(f"You took “{TITLE}”.")
    row = staff.get_by_role("listitem").filter(has=staff.get_by_role("link", name=TITLE))
    expect(row).to_contain_text("assigned to Olivier")
    row.get_by_role("link", name=TITLE).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(staff.get_by_text("Assigned to Olivier")).to_be_visible()
    staff.get_by_label("Your reply").fill("Thanks for the report: firmware 2.4.1 fixes the blinking.")
    staff.get_by_role("button", name="Post reply").click()
    expect(staff.get_by_role("article").filter(has_text="firmware 2.4.1")).to_contain_text("Halo Support")

    # It has left the queue.
    staff.goto("/staff/")
    expect(staff.get_by_role("link", name=TITLE)).to_have_count(0)
    expect(staff.get_by_role("main")).to_contain_text("Every question has an official response")

    # The figures count it, with its time to the first official response.
    staff.get_by_role("navigation", name="Staff workspace").get_by_role("link", name="Figures").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Community health")
    cards = staff.locator(".figure-card")
    expect(cards.filter(has_text="Questions asked").locator("dd").first).to_have_text("1")
    official = cards.filter(has_text="Time to first official response")
    expect(official.locator("dd").first).to_have_text(re.compile(r"^(under a minute|\d+ min)$"))
    expect(official).to_contain_text("(1 question)")
    expect(staff.get_by_role("img", name=re.compile(r"^Questions asked from .*: 1 in all\.$"))).to_be_visible()

    # The member does not get in.
    response = asker.goto("/staff/figures/")
    assert response.status == 403
