"""How the site looks where only a browser can tell: buttons, phones, the bell, the favicon.

A moderator, a staff member and a colleague who is both, in a forum with a reported reply,
a question waiting for an official response and a live announcement. Computed styles and
layout boxes come from Chromium; elements are found by role and label.
"""

import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, log_in

# As long as a real one (the demo's): four lines on a phone.
ANNOUNCEMENT = (
    "Mise à jour 2.4.1 en cours de déploiement : le clignotement des Halo est corrigé. / Update 2.4.1 is rolling out."
)

SETUP = """
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.utils import timezone

from forum import services
from forum.models import Category
from moderation import limits, reports
from notifications import announcements
from profiles.models import Member


def person(username, name, **roles):
    member = Member.objects.create_user(
        username=username, email=username + "@example.com", password={password!r}, display_name=name, **roles
    )
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    return member


otto = person("otto{token}", "Otto {token}")
rhea = person("rhea{token}", "Rhea {token}")
person("mona{token}", "Mona {token}", is_moderator=True)
stan = person("stan{token}", "Stan {token}", is_brand_staff=True, staff_title="Halo Support")
person("lena{token}", "Lena {token}", is_moderator=True, is_brand_staff=True, staff_title="Community lead")
category = Category.objects.create(
    slug="looks-{token}", name="Looks {token}", kind=Category.Kind.QUESTIONS, response_target_hours=24
)
with limits.exempt():
    thread = services.start_thread(
        category=category, author=rhea, title="My lamp blinks after the update {token}", body="It blinks."
    )
    reply = services.post_reply(thread=thread, author=otto, body="Buy cheap lamps at my shop, spam.example!")
reports.file_report(reporter=rhea, post=reply, reason="spam")
announcements.publish(by=stan, message={announcement!r}, thread=thread, expires_at=timezone.now() + timedelta(days=1))
from reading import bookmarks, following
following.follow_member(follower=Member.objects.get(username="mona{token}"), followed=rhea)
for who in ("mona", "stan", "lena"):
    bookmarks.save_bookmark(
        member=Member.objects.get(username=who + "{token}"), thread=thread, post=reply, note="A long note " * 12
    )
print("STORY", thread.get_absolute_url(), category.get_absolute_url())
"""

PEOPLE = {
    "moderator": ("mona", "/mod/"),
    "staff": ("stan", "/staff/"),
    "moderator and staff": ("lena", "/staff/"),
}


@pytest.fixture(scope="module")
def story(manage):
    token = secrets.token_hex(3)
    output = manage("shell", "-c", SETUP.format(password=PASSWORD, token=token, announcement=ANNOUNCEMENT)).stdout
    [line] = [line for line in output.splitlines() if line.startswith("STORY ")]
    return {"token": token, "thread_url": line.split()[1], "category_url": line.split()[2]}


def log_in_as(page, story, who, path="/"):
    username = f"{who}{story['token']}"
    log_in(page, username, f"{who.title()} {story['token']}", path)


def bell(page):
    """The notification menu (a <details>: a group), by its summary's text: "Notifications", the count."""
    return page.get_by_role("banner").get_by_role("group").filter(has_text=re.compile(r"^\s*Notifications\b"))


def style(locator, *properties):
    return locator.evaluate(
        "(element, properties) => { const s = getComputedStyle(element);"
        " return Object.fromEntries(properties.map((p) => [p, s.getPropertyValue(p)])); }",
        list(properties),
    )


# Buttons ----------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_ghost_small_and_danger_buttons_do_not_look_like_primary_ones(story, page, scheme):
    page.emulate_media(color_scheme=scheme)
    log_in_as(page, story, "mona", story["thread_url"])
    primary = style(page.get_by_role("button", name="Post reply"), "background-color", "padding-top", "font-size")
    preview = style(page.get_by_role("button", name="Preview"), "background-color")
    assert preview["background-color"] != primary["background-color"]

    page.goto("/mod/")
    item = page.get_by_role("article").filter(has_text=f"My lamp blinks after the update {story['token']}")
    hide, dismiss, delete = (
        style(item.get_by_role("button", name=name, exact=True), "background-color", "padding-top", "font-size")
        for name in ("Hide", "Dismiss", "Delete")
    )
    # Small: smaller than the primary button; ghost and danger: each a background of its own.
    assert float(hide["font-size"][:-2]) < float(primary["font-size"][:-2])
    assert float(hide["padding-top"][:-2]) < float(primary["padding-top"][:-2])
    assert len({hide["background-color"], dismiss["background-color"], delete["background-color"]}) == 3
    assert hide["background-color"] == primary["background-color"]


# Phones -----------------------------------------------------------------------


def _document_fits(page):
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]} px wide on a {widths[1]} px screen"


def _within_screen(page, selector):
    """The element's left and right edges and the screen's width, read in one go."""
    return page.evaluate(
        "(selector) => { const box = document.querySelector(selector).getBoundingClientRect();"
        " return [box.width, box.left, box.right, window.innerWidth]; }",
        selector,
    )


@pytest.mark.parametrize("width", [390, 360])
@pytest.mark.parametrize("role", PEOPLE)
def test_on_a_phone_pages_fit_the_screen_and_the_header_leaves_room(story, page, role, width):
    who, queue = PEOPLE[role]
    log_in_as(page, story, who)  # at a desktop's width, where the header names the member
    page.set_viewport_size({"width": width, "height": 844})
    for path in (
        "/",
        story["thread_url"],
        "/ideas/",
        "/roadmap/",
        "/answer/",
        "/answer/preferences/",
        story["category_url"],
        "/following/",
        "/bookmarks/",
        "/messages/",
        "/messages/new/",
        "/incidents/",
        "/accounts/api-tokens/",
        f"/u/rhea{story['token']}/",
        queue,
        *(["/mod/"] if role == "moderator and staff" else []),
    ):
        page.goto(path)
        _document_fits(page)

    header = page.get_by_role("banner").bounding_box()
    announcement = page.get_by_role("region", name="Announcement").bounding_box()
    assert header["height"] + announcement["height"] < 844 / 4

    # Opening the menu fetches its items (live.js) and puts them in place.
    with page.expect_response(re.compile(r"/notifications/menu/")):
        bell(page).locator("summary").click()
    expect(page.get_by_role("link", name="See all notifications")).to_be_visible()
    for selector in ("#bell-panel", ".bell-all a"):
        width, left, right, screen = _within_screen(page, selector)
        assert width > 0 and left >= 0 and right <= screen, f"{selector} spans {left}..{right} on a {screen} px screen"


# The bell and the favicon -----------------------------------------------------


def test_the_bell_is_a_drawn_icon_that_keeps_its_name(story, page):
    log_in_as(page, story, "rhea")
    summary = bell(page).locator("summary")
    expect(summary.locator("svg")).to_be_visible()
    expect(summary.locator("svg")).to_have_attribute("aria-hidden", "true")
    expect(summary).not_to_contain_text("🔔")


def test_pages_name_a_favicon_and_favicon_ico_answers(page, server_log):
    page.goto("/")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    response = page.request.get(icon)
    assert response.ok and response.headers["content-type"].startswith("image/svg+xml")

    ico = page.request.get("/favicon.ico")
    assert ico.ok and ico.url.endswith(icon)
    assert not re.search(r'"GET /favicon\.ico[^"]*" 404', server_log.read_text())
