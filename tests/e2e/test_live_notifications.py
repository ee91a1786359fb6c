"""Two members in two browsers: one reads their thread while the other replies to it.

The reader's bell count rises and the reply appears in the open thread without
a reload, over the page's WebSocket; then the reader opens the notification
from the bell's menu and lands on the reply.
"""

import json
import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, log_in

ASKER, ASKER_NAME = "ana_live", "Ana Lopez"
REPLIER, REPLIER_NAME = "ben_live", "Ben Roy"
TITLE = "My lamp blinks twice and stops"
REPLY = "Hold the power button for five seconds, then pair it again."

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
category, _ = Category.objects.get_or_create(slug="lamps", defaults={{"name": "Lamps"}})
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
        page.wait_for_timeout(100)  # lets Playwright deliver the socket's events


def bell_of(page):
    """The bell: a <details> (a group) whose summary reads "Notifications", the count and "unread"."""
    return (
        page.get_by_role("banner")
        .get_by_role("group")
        .filter(has_text=re.compile(r"^\s*Notifications\b"))
        .locator("summary")
    )


def test_a_reply_shows_up_live_in_the_open_thread_and_in_the_bell(page, open_browser, manage):
    thread_url = json.loads(manage("shell", "-c", SETUP).stdout.strip().splitlines()[-1])["thread"]
    frames = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))

    # Ana reads her thread; her page subscribes to it.
    log_in(page, ASKER, ASKER_NAME)
    page.goto(thread_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    bell = bell_of(page)
    expect(bell).to_have_text(re.compile(r"\b0 unread"))
    wait_for_frame(frames, page, "subscribed")
    page.evaluate("window.stillTheSamePage = true")

    # Ben, in another browser, replies through the form.
    ben = open_browser()
    log_in(ben, REPLIER, REPLIER_NAME)
    ben.goto(thread_url)
    ben.get_by_role("textbox", name="Your reply").fill(REPLY)
    ben.get_by_role("button", name="Post reply").click()
    expect(ben.get_by_role("article", name=REPLIER_NAME)).to_contain_text(REPLY)

    # Ana sees it without reloading: the count in the bell, and the reply in the thread.
    expect(bell).to_have_text(re.compile(r"\b1 unread"))
    reply = page.get_by_role("article", name=REPLIER_NAME)
    expect(reply).to_be_visible()
    expect(reply).to_contain_text(REPLY)
    assert page.evaluate("window.stillTheSamePage") is True

    # The bell's menu names it; opening it leads to the reply and reads it.
    bell.click()
    item = page.get_by_role("link", name=f"{REPLIER_NAME} replied to “{TITLE}”")
    expect(item).to_be_visible()
    item.click()
    expect(page).to_have_url(re.compile(r"#post-\d+$"))
    expect(bell_of(page)).to_have_text(re.compile(r"\b0 unread"))


LOST_PUSH = f"""
import json
from forum import services
from forum.models import Thread
from web import push
from profiles.models import Member

# This process's push goes nowhere, as when a daphne process was re-joining Redis:
# the row is written, the open tab is not told.
push.send_many = lambda pairs: None
thread = Thread.objects.get(title={TITLE!r})
reply = services.post_reply(thread=thread, author=Member.objects.get(username={REPLIER!r}), body="A second idea.")
print(json.dumps({{"reply": reply.pk}}))
"""


def test_a_notification_whose_push_was_lost_arrives_when_the_tab_is_back_in_view(page, live_server_url, manage):
    """Runs after the journey above, in the same server: Ana has read everything so far."""
    frames = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
    log_in(page, ASKER, ASKER_NAME)
    bell = bell_of(page)
    expect(bell).to_have_text(re.compile(r"\b0 unread"))
    wait_for_frame(frames, page, "unread")

    manage("shell", "-c", LOST_PUSH)
    page.wait_for_timeout(1000)
    expect(bell).to_have_text(re.compile(r"\b0 unread"))  # nothing was pushed

    # Ana comes back to the tab: the page asks for what it missed.
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(bell).to_have_text(re.compile(r"\b1 unread"))
    bell.click()
    newest = page.get_by_role("link", name=f"{REPLIER_NAME} replied to “{TITLE}”").first
    expect(newest).to_be_visible()
    expect(newest.locator("xpath=..")).to_have_class(re.compile(r"\bis-unread\b"))


THIRD, THIRD_NAME = "cleo_live", "Cleo Martin"
THIRD_MEMBER = f"""
import json
from datetime import timedelta
from allauth.account.models import EmailAddress
from django.utils import timezone
from forum.models import Thread
from profiles.models import Member

# Three days old: past the pause between a new account's posts.
cleo = Member.objects.create_user(username={THIRD!r}, email="cleo_live@example.com", password={PASSWORD!r},
                                  display_name={THIRD_NAME!r}, date_joined=timezone.now() - timedelta(days=3))
EmailAddress.objects.create(user=cleo, email=cleo.email, verified=True, primary=True)
print(json.dumps({{"thread": Thread.objects.get(title={TITLE!r}).get_absolute_url()}}))
"""


def test_a_live_reply_is_shown_in_the_readers_language(page, open_browser, manage):
    """Ana reads in French while Cleo writes in English: the reply Ana sees live is in French."""
    frames = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
    log_in(page, ASKER, ASKER_NAME)
    thread_url = json.loads(manage("shell", "-c", THIRD_MEMBER).stdout.strip().splitlines()[-1])["thread"]
    page.goto(f"/language/?language=fr&next={thread_url}")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    wait_for_frame(frames, page, "subscribed")

    cleo = open_browser()
    log_in(cleo, THIRD, THIRD_NAME)
    cleo.goto(thread_url)
    cleo.get_by_role("textbox", name="Your reply").fill("A third idea, in English.")
    cleo.get_by_role("button", name="Post reply").click()
    expect(cleo.get_by_role("article", name=THIRD_NAME)).to_contain_text("A third idea")

    reply = page.get_by_role("article", name=THIRD_NAME)
    expect(reply).to_be_visible()
    expect(reply.get_by_role("link", name="Lien vers ce message")).to_be_visible()
