"""A member reports a post; a moderator sees the queue count rise live, hides the post from the queue;
the reporter and the author are told.

Four people, each in their own browser context: Rhea reports Otto's reply in
Tina's thread; Marc, a moderator, watches /mod/. Elements are found by role
and label, as a screen reader would.
"""

import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, SOCKET_OPEN, log_in, wait_until

REASON = "Advertising a shop"

SETUP = """
from allauth.account.models import EmailAddress
from forum import services
from forum.models import Category
from moderation import limits
from profiles.models import Member


def person(username, name, **roles):
    member = Member.objects.create_user(
        username=username, email=username + "@example.com", password={password!r}, display_name=name, **roles
    )
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    return member


tina = person("tina{token}", "Tina {token}")
otto = person("otto{token}", "Otto {token}")
person("rhea{token}", "Rhea {token}")
person("marc{token}", "Marc {token}", is_moderator=True)
category = Category.objects.create(slug="journey-{token}", name="Journey {token}")
with limits.exempt():
    thread = services.start_thread(
        category=category, author=tina, title="Which lamp for a reading corner {token}", body="Warm light wanted."
    )
    reply = services.post_reply(thread=thread, author=otto, body="Buy cheap lamps at my shop, spam.example!")
print("STORY", thread.get_absolute_url(), reply.pk)
"""


@pytest.fixture
def story(manage):
    token = secrets.token_hex(3)
    output = manage("shell", "-c", SETUP.format(password=PASSWORD, token=token)).stdout
    [line] = [line for line in output.splitlines() if line.startswith("STORY ")]
    _, url, reply_id = line.split()
    return {
        "token": token,
        "thread_url": url,
        "title": f"Which lamp for a reading corner {token}",
        "reply_id": int(reply_id),
    }


@pytest.fixture
def open_as(open_browser):
    """A logged-in page in a browser context of its own, for each person."""

    def open_page(username, display_name, path):
        page = open_browser()
        log_in(page, username, display_name, path)
        _wait_for_live_socket(page)
        return page

    return open_page


def unread(page) -> int:
    return int(page.locator("#bell-count").inner_text())


def _wait_for_live_socket(page):
    """The page script's WebSocket is open: from now on, live updates reach this page."""
    wait_until(page, SOCKET_OPEN)


def test_a_report_reaches_the_moderator_live_and_hiding_the_post_tells_reporter_and_author(story, open_as):
    token = story["token"]
    moderator = open_as(f"marc{token}", f"Marc {token}", "/mod/")
    header_count = moderator.get_by_role("banner").locator("[data-mod-queue]")
    before = int(header_count.inner_text() or 0)
    author = open_as(f"otto{token}", f"Otto {token}", story["thread_url"])
    author_unread = unread(author)  # a first post may already have earned a badge

    # Rhea reports Otto's reply through the Report link and the form.
    reporter = open_as(f"rhea{token}", f"Rhea {token}", story["thread_url"])
    reply = reporter.locator(f"#post-{story['reply_id']}")
    reply.get_by_role("link", name="Report").click()
    expect(reporter.get_by_role("heading", level=1)).to_have_text("Report to the moderators")
    reporter.get_by_role("radio", name="Spam").check()
    reporter.get_by_label("Details").fill("A shop advert, not an answer")
    reporter.get_by_role("button", name="Send report").click()
    expect(reporter.get_by_role("status")).to_contain_text("Thank you. The moderators will look at your report.")
    _wait_for_live_socket(reporter)
    reporter_unread = unread(reporter)

    # Marc's open queue page counts it without a reload, in the header and in the page.
    expect(header_count).to_have_text(str(before + 1))
    expect(moderator.get_by_role("main").locator("[data-mod-queue]").first).to_have_text(str(before + 1))

    # Marc opens the reported item and hides the post, with a reason for the author.
    moderator.reload()
    item = moderator.get_by_role("article", name=re.compile(re.escape(story["title"])))
    expect(item).to_contain_text("1 member reported it")
    expect(item).to_contain_text("Spam × 1")
    expect(item).to_contain_text("A shop advert, not an answer")
    expect(item).to_contain_text("Buy cheap lamps at my shop")
    item.get_by_label("Reason (shown to the author)").fill(REASON)
    item.get_by_role("button", name="Hide").click()
    expect(moderator.get_by_role("status")).to_contain_text("The post is hidden.")
    expect(moderator.get_by_role("article", name=re.compile(re.escape(story["title"])))).to_have_count(0)
    expect(header_count).to_have_text(str(before))

    # The reporter and the author hear it live: their bells count one more unread notification.
    expect(reporter.locator("#bell-count")).to_have_text(str(reporter_unread + 1))
    expect(author.locator("#bell-count")).to_have_text(str(author_unread + 1))

    reporter.goto("/notifications/")
    expect(reporter.get_by_role("main")).to_contain_text(
        f"Your report on “{story['title']}” was handled: the post was hidden"
    )
    author.goto("/notifications/")
    expect(author.get_by_role("main")).to_contain_text(f"Moderators hid your post in “{story['title']}”: {REASON}")

    # The author still sees the post, marked, with the reason; the reporter sees only that it was hidden.
    author.goto(story["thread_url"])
    hidden_for_author = author.locator(f"#post-{story['reply_id']}")
    expect(hidden_for_author.get_by_role("note")).to_contain_text("This post was hidden by moderators.")
    expect(hidden_for_author.get_by_role("note")).to_contain_text(f"Reason: {REASON}")
    expect(hidden_for_author).to_contain_text("Buy cheap lamps at my shop")
    reporter.goto(story["thread_url"])
    hidden_for_reporter = reporter.locator(f"#post-{story['reply_id']}")
    expect(hidden_for_reporter.get_by_role("note")).to_contain_text("This post was hidden by moderators.")
    expect(hidden_for_reporter).not_to_contain_text("Buy cheap lamps at my shop")
    expect(hidden_for_reporter).not_to_contain_text(REASON)
