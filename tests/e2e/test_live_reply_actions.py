"""A reply that arrives live can be acted on at once, as if the page had been reloaded.

Ana reads her question while Ben answers it from another browser. Without reloading, Ana
sees the answer with her own buttons (Helpful, Accept as answer, Quote, Report) and the
thread's new reply count; quoting fills her reply box in place, Report leads to the report
form, and Helpful counts her vote.
"""

import json
import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, log_in

ASKER, ASKER_NAME = "ana_acts", "Ana Lopez"
REPLIER, REPLIER_NAME = "ben_acts", "Ben Roy"
TITLE = "My lamp forgets its colour after a power cut"
ANSWER = "Turn on the memory setting in the app, under Lamp then Power."

SETUP = f"""
import json
from allauth.account.models import EmailAddress
from forum import services
from forum.models import Category
from profiles.models import Member

def member(username, name):
    m = Member.objects.create_user(username=username, email=username + "@example.com", password={PASSWORD!r},
                                   display_name=name)
    EmailAddress.objects.create(user=m, email=m.email, verified=True, primary=True)
    return m

asker, replier = member({ASKER!r}, {ASKER_NAME!r}), member({REPLIER!r}, {REPLIER_NAME!r})
category, _ = Category.objects.get_or_create(slug="help", defaults={{"name": "Help", "kind": "questions"}})
thread = services.start_thread(category=category, author=asker, title={TITLE!r}, body="Any idea?")
print(json.dumps({{"thread": thread.get_absolute_url()}}))
"""


@pytest.fixture(autouse=True)
def _no_posting_limits():
    """Overrides the suite's, which needs pytest-django (absent here): the server has its own settings."""
    yield


def wait_for_frame(frames: list[str], page, kind: str, timeout: float = 10):
    """Wait until the page's WebSocket has received a message of this type."""
    deadline = time.monotonic() + timeout
    while not any(json.loads(frame).get("type") == kind for frame in frames):
        assert time.monotonic() < deadline, f"no {kind!r} message on the page's socket; got {frames}"
        page.wait_for_timeout(100)


def test_a_reply_that_arrives_live_has_its_readers_actions_and_updates_the_count(page, open_browser, manage):
    thread_url = json.loads(manage("shell", "-c", SETUP).stdout.strip().splitlines()[-1])["thread"]
    frames = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))

    log_in(page, ASKER, ASKER_NAME)
    page.goto(thread_url)
    expect(page.get_by_text("0 replies", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Replies")).to_be_hidden()
    wait_for_frame(frames, page, "subscribed")
    page.evaluate("window.stillTheSamePage = true")

    ben = open_browser()
    log_in(ben, REPLIER, REPLIER_NAME)
    ben.goto(thread_url)
    ben.get_by_role("textbox", name="Your reply").fill(ANSWER)
    ben.get_by_role("button", name="Post reply").click()
    expect(ben.get_by_role("article", name=REPLIER_NAME)).to_contain_text(ANSWER)

    # The answer arrives with Ana's own buttons, and the count and heading follow.
    answer = page.get_by_role("article", name=REPLIER_NAME)
    expect(answer).to_contain_text(ANSWER)
    expect(page.get_by_text("1 reply", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Replies")).to_be_visible()
    helpful = answer.get_by_role("button", name=re.compile(r"Helpful"))
    expect(helpful).to_have_attribute("aria-pressed", "false")
    expect(answer.get_by_role("button", name="✓ Accept as answer")).to_be_visible()
    assert page.evaluate("window.stillTheSamePage") is True

    # Quote fills the reply box in place.
    answer.get_by_role("link", name="Quote").click()
    expect(page.get_by_role("textbox", name="Your reply")).to_have_value(re.compile(re.escape(ANSWER)))
    assert page.evaluate("window.stillTheSamePage") is True

    # Report leads to the report form for this answer.
    report = page.context.new_page()
    report.goto(answer.get_by_role("link", name="Report").get_attribute("href"))
    expect(report.get_by_role("heading", name="Report to the moderators")).to_be_visible()
    report.close()

    # Helpful counts Ana's vote.
    helpful.click()
    voted = page.get_by_role("article", name=REPLIER_NAME).get_by_role("button", name=re.compile(r"Helpful"))
    expect(voted).to_have_attribute("aria-pressed", "true")
    expect(voted).to_contain_text("1")


ANNOUNCEMENT = "Maintenance tonight from 22:00: the forum will be read-only."
STAFF, STAFF_NAME = "stan_acts", "Stan Wu"
STAFF_SETUP = f"""
from allauth.account.models import EmailAddress
from profiles.models import Member

stan = Member.objects.create_user(username={STAFF!r}, email="stan_acts@example.com", password={PASSWORD!r},
                                  display_name={STAFF_NAME!r}, is_brand_staff=True)
EmailAddress.objects.create(user=stan, email=stan.email, verified=True, primary=True)
"""


def test_an_announcement_that_arrives_live_has_its_label_its_link_and_a_dismiss_button_that_works(
    page, open_browser, manage
):
    """Runs after the journey above, in the same server: Ana reads her thread when staff publish."""
    manage("shell", "-c", STAFF_SETUP)
    frames = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
    log_in(page, ASKER, ASKER_NAME)
    page.get_by_role("link", name=TITLE).first.click()
    thread_url = page.url.split("#")[0]  # the list's link goes to her first unread reply (reading/)
    wait_for_frame(frames, page, "subscribed")

    stan = open_browser()
    log_in(stan, STAFF, STAFF_NAME, path="/staff/announcements/")
    stan.get_by_label("Message (280 characters at most)").fill(ANNOUNCEMENT)
    stan.get_by_label("Linked thread (address or number, optional)").fill(thread_url)
    stan.get_by_role("button", name="Publish").click()

    banner = page.get_by_role("region", name="Announcement")
    expect(banner).to_contain_text(f"Announcement: {ANNOUNCEMENT}")
    expect(banner.get_by_role("link", name="Read more")).to_have_attribute("href", re.compile(r"^/t/"))
    banner.get_by_role("button", name="Dismiss the announcement").click()
    expect(page.get_by_role("region", name="Announcement")).to_have_count(0)
    assert page.url.split("#")[0] == thread_url  # dismissing comes back to the page it was on
