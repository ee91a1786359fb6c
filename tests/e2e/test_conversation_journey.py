"""A member contacts the team in private, with a photo; staff see the photo and answer with a
saved reply; the member's open page shows the answer live. Two browser profiles against one
real daphne, found by role and label."""

import re
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, wait_until
from tests.e2e.conftest import log_in as log_in_as
from tests.e2e.test_live_notifications import wait_for_frame

SUBJECT = "My order 7731 never arrived"

SETUP = f"""
from allauth.account.models import EmailAddress
from conversations.models import SavedReply
from profiles.models import Member

for username, name, staff in (("pauline", "Pauline", False), ("quentin", "Quentin", True)):
    if not Member.objects.filter(username=username).exists():
        member = Member.objects.create_user(
            username=username, email=f"{{username}}@example.com", password="{PASSWORD}",
            display_name=name, is_brand_staff=staff, staff_title="Halo Support" if staff else "",
        )
        EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
SavedReply.objects.get_or_create(
    title="Lost parcel", language="en",
    defaults=dict(body="Hello {{member}}, we are sending a new parcel today. {{me}}"),
)
"""


def doorstep_photo() -> dict:
    out = BytesIO()
    Image.new("RGB", (320, 240), (120, 90, 60)).save(out, format="JPEG")
    return {"name": "doorstep.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


@pytest.fixture(autouse=True)
def _no_posting_limits():
    """Overrides the suite's, which needs pytest-django (absent here): the server has its own settings."""


@pytest.fixture(scope="module")
def people(manage):
    manage("shell", "-c", SETUP)


def test_a_member_contacts_the_team_and_sees_the_saved_reply_arrive_live(people, open_browser):
    member, staff = open_browser(), open_browser()
    frames = []
    member.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))

    # Pauline writes to the team from her menu.
    log_in_as(member, "pauline", "Pauline")
    member.get_by_role("banner").get_by_text("Pauline").click()
    member.get_by_role("link", name="Contact the team").click()
    member.get_by_label("Subject").fill(SUBJECT)
    member.get_by_label("Your message").fill("Tracking says delivered, but nothing came.")
    with member.expect_file_chooser() as chooser:
        member.get_by_role("button", name="Add pictures").click()
    chooser.value.set_files([doorstep_photo()])
    expect(member.get_by_label("Your message")).to_have_value(re.compile(r"!\[doorstep\]\(/uploads/[\w-]+\.jpg\)"))
    member.get_by_role("button", name="Send").click()
    expect(member.get_by_role("heading", level=1)).to_have_text(SUBJECT)
    wait_for_frame(frames, member, "unread")  # her page's socket is up and has resumed
    member.evaluate("window.stillTheSamePage = true")

    # Quentin finds it in the staff queue and answers with a saved reply.
    log_in_as(staff, "quentin", "Quentin")
    staff.goto("/staff/conversations/")
    staff.get_by_role("link", name=SUBJECT).click()
    photo = staff.get_by_role("article").first.get_by_role("img", name="doorstep")
    photo.scroll_into_view_if_needed()
    wait_until(staff, "(img) => img.complete && img.naturalWidth === 320", photo.element_handle())
    staff.get_by_text("Insert a saved reply").click()
    staff.get_by_label("Search the saved replies").fill("parcel")
    staff.get_by_role("button", name="Lost parcel").click()
    expect(staff.get_by_label("Your message")).to_have_value(
        "Hello Pauline, we are sending a new parcel today. Quentin"
    )
    staff.get_by_role("button", name="Send").click()
    expect(staff.get_by_role("article").filter(has_text="new parcel today")).to_contain_text("Halo Support")

    # Pauline's open page shows it without a reload, read where it arrived: nothing waits unread in her header.
    answer = member.get_by_role("article").filter(has_text="we are sending a new parcel today")
    expect(answer).to_be_visible()
    expect(answer).to_contain_text("Quentin")
    assert member.evaluate("window.stillTheSamePage") is True
    expect(member.locator("#inbox-count")).to_have_text("0")
