"""Knowing what is new, in a browser against the real daphne: Rita opens a thread that is new to
her, reads it to its end and leaves (the page reports it with a beacon; the server writes it a
moment later); Walt answers twice; the category page she has open counts two unread replies
without a reload, and their link takes her to the first of them, under the line "New since your
last visit". She watches the category; Walt's next thread is announced on the page she has open
("1 new thread — show", which shows it in place) and in her notifications. She follows Walt from the card
beside his post and finds it on /following/, and bookmarks a reply with a note that /bookmarks/
keeps.
"""

import json
import re
import secrets
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PEOPLE_SETUP, log_in

SETUP = """
from datetime import timedelta

from django.utils import timezone

rita, walt = person("rita{token}", "Rita {token}"), person("walt{token}", "Walt {token}")
# Walt has been around for a while: a new account's posting limits do not hold him back.
Member.objects.filter(pk=walt.pk).update(date_joined=timezone.now() - timedelta(days=30))
category = Category.objects.create(slug="lamps-{token}", name="Lamps {token}")
with limits.exempt():
    thread = services.start_thread(category=category, author=walt, title={title!r}, body="Which bulb do you use?")
    for body in ("An E27 warm white.", "The dimmable one works best.", "Mine is a filament bulb."):
        services.post_reply(thread=thread, author=walt, body=body)
print(json.dumps({{"thread": thread.pk, "category": category.get_absolute_url()}}))
"""


@pytest.fixture(autouse=True)
def _no_posting_limits():
    """Overrides the suite's, which needs pytest-django (absent here): the server has its own settings."""


@pytest.fixture
def story(manage):
    token = secrets.token_hex(3)
    title = f"Bulbs for the reading lamp {token}"
    found = json.loads(
        manage("shell", "-c", PEOPLE_SETUP + SETUP.format(token=token, title=title)).stdout.splitlines()[-1]
    )
    return {"token": token, "title": title, **found}


def row_of(page, title):
    return page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=title))


def until_shown(page, locator, tries=20):
    """Reload until the locator shows: what a beacon reported is written a moment after it."""
    for _ in range(tries):
        if locator.count():
            return
        page.wait_for_timeout(500)
        page.reload()
    expect(locator).to_be_visible()


def test_a_member_sees_what_is_new_since_her_last_visit(story, open_browser):
    token, title = story["token"], story["title"]
    rita = open_browser()
    log_in(rita, f"rita{token}", f"Rita {token}", path=story["category"])

    # New to her: marked, and its link is the thread.
    row = row_of(rita, title)
    expect(row.get_by_text("New", exact=True)).to_be_visible()
    row.get_by_role("link", name=title).click()
    expect(rita.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect(rita.get_by_text(re.compile("since your last visit"))).to_have_count(0)
    rita.get_by_text("Mine is a filament bulb.").scroll_into_view_if_needed()
    rita.mouse.wheel(0, 2000)

    # Leaving the page reports how far she read; back on the category, nothing is new.
    rita.goto(story["category"])
    until_shown(rita, row_of(rita, title).filter(has_not=rita.get_by_text("New", exact=True)))

    # Walt answers twice, through the reply form.
    bodies = ["Try the warm white at 40 percent.", "Or a smart bulb you can dim from the app."]
    walt = open_browser()
    log_in(walt, f"walt{token}", f"Walt {token}", path=f"/t/t/{story['thread']}/")
    for n, body in enumerate(bodies):
        if n:
            walt.wait_for_timeout(5500)  # the pause between two posts (POST_COOLDOWN)
        walt.get_by_role("textbox", name="Your reply").fill(body)
        walt.get_by_role("button", name="Post reply").click()
        expect(walt.locator("article").filter(has_text=body)).to_be_visible()
    walt_posted = time.monotonic()
    # Her list, open all along, counts them without a reload.
    unread = row_of(rita, title).get_by_role("link", name="2 unread replies")
    expect(unread).to_be_visible()

    unread.click()
    expect(rita).to_have_url(re.compile(r"#post-\d+$"))
    marker = rita.locator("#new-since")
    expect(marker).to_have_text("New since your last visit")
    first_new = rita.locator("article").filter(has_text=bodies[0])
    assert marker.evaluate("(line, post) => !!(line.compareDocumentPosition(post) & 4)", first_new.element_handle())
    expect(rita.get_by_role("link", name="2 new replies since your last visit")).to_be_visible()

    # She watches the category. Walt starts a thread: the page she has open tells her of it, and
    # shows it in place; it is in her notifications too.
    rita.goto(story["category"])
    rita.get_by_label("This category").select_option("watching")
    rita.get_by_role("button", name="Save").click()
    expect(rita.get_by_text(re.compile(r"is now “Watching” for you"))).to_be_visible()
    next_title = f"Show your reading corner {token}"
    walt.wait_for_timeout(max(0, 5.5 - (time.monotonic() - walt_posted)) * 1000)  # POST_COOLDOWN, if not over
    walt.goto(f"/t/new/?category=lamps-{token}")
    walt.get_by_label("Title").fill(next_title)
    walt.get_by_label("Message").fill("Pictures welcome.")
    walt.get_by_role("button", name="Post thread").click()
    expect(walt.get_by_role("heading", level=1, name=next_title)).to_be_visible()
    rita.get_by_role("link", name="1 new thread — show").click()
    expect(row_of(rita, next_title).get_by_role("link", name=next_title)).to_be_focused()
    expect(rita.get_by_role("link", name="1 new thread — show")).to_have_count(0)
    rita.goto("/notifications/")
    expect(rita.get_by_role("link", name=re.compile(f"Walt {token} started “{next_title}”"))).to_be_visible()

    # She follows Walt from the card beside one of his posts: every card of his says so, and his
    # profile counts her; his thread is on /following/.
    rita.goto(f"/t/t/{story['thread']}/")
    rita.locator("article").filter(has_text=bodies[0]).get_by_role("button", name=f"Follow Walt {token}").click()
    expect(rita.get_by_role("button", name=f"Following Walt {token}")).to_have_count(6)
    expect(rita.get_by_text("You follow Walt")).to_have_count(0)  # no reload: the page's script sent it
    rita.goto(f"/u/walt{token}/")
    expect(rita.get_by_role("button", name="Following")).to_be_visible()
    expect(rita.get_by_text("1 follower")).to_be_visible()
    rita.get_by_role("banner").get_by_text(f"Rita {token}").click()
    rita.get_by_role("link", name="Following", exact=True).click()
    expect(rita.get_by_role("link", name=next_title)).to_be_visible()

    # She keeps one of his replies, with a note.
    rita.goto(f"/t/t/{story['thread']}/")
    rita.locator("article").filter(has_text=bodies[1]).get_by_role("link", name="Bookmark").click()
    rita.get_by_label("Note").fill("Ask about the app")
    rita.get_by_role("button", name="Bookmark").click()
    expect(rita.get_by_text("Bookmarked: find it again in your bookmarks.")).to_be_visible()
    rita.goto("/bookmarks/")
    expect(rita.get_by_role("heading", name=title)).to_be_visible()
    expect(rita.get_by_text("Ask about the app")).to_be_visible()
