"""A member starts a thread whose title resembles a solved one: it is suggested under the title, and they open it.

The solved thread is made on the server's side (its own database and search
index) through the forum's services in `manage.py shell`, then the index
queue is applied. Elements are found by role and label, as a screen reader would.
"""

import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD
from tests.e2e.conftest import log_in as log_in_as

TITLE = "Les ampoules du salon clignotent après la mise à jour"

SETUP = """
from allauth.account.models import EmailAddress
from forum import services
from forum.models import Category
from moderation.limits import exempt
from profiles.models import Member
from search.queue import apply_all

def member(username, name):
    made = Member.objects.create_user(
        username=username, email=f"{{username}}@example.com", password="{password}", display_name=name
    )
    EmailAddress.objects.create(user=made, email=made.email, verified=True, primary=True)
    return made

asker = member("asker-{token}", "Noémie Asker")
helper = member("helper-{token}", "Karim Helper")
member("{username}", "Journey Member")
category = Category.objects.create(
    slug="lighting-{token}", name="Lighting {token}", kind=Category.Kind.QUESTIONS
)
with exempt():
    thread = services.start_thread(
        category=category,
        author=asker,
        title="{title}",
        body="Depuis la mise à jour du pont, toutes mes ampoules clignotent le soir.",
    )
    answer = services.post_reply(
        thread=thread, author=helper, body="Réinitialisez le pont, puis réappairez les ampoules."
    )
    services.accept_answer(post=answer, by=asker)
apply_all()
print(thread.get_absolute_url())
"""


@pytest.fixture
def solved_thread(manage):
    """(the journey member's username, the solved thread's URL) on the server."""
    token = secrets.token_hex(3)
    username = f"journey-{token}"
    script = SETUP.format(password=PASSWORD, token=token, username=username, title=TITLE)
    url = manage("shell", "-c", script).stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"/t/[\w-]+/\d+/", url), url
    return username, url


def log_in(page, username):
    log_in_as(page, username, "Journey Member")
    expect(page.get_by_role("status")).to_contain_text(f"signed in as {username}")


def test_a_member_is_shown_a_solved_thread_like_the_one_they_are_starting_and_opens_it(page, solved_thread):
    username, thread_url = solved_thread
    log_in(page, username)

    page.get_by_role("main").get_by_role("link", name="Start a thread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a thread")
    title = page.get_by_role("textbox", name="Title")
    title.press_sequentially("Mes ampoules clignotent", delay=40)

    # The suggestions appear right under the title field, before the message field.
    suggestion = page.get_by_role("link", name=TITLE)
    expect(suggestion).to_be_visible()
    box = page.locator(".similar-box")
    expect(box.get_by_role("heading", name="Similar threads")).to_be_visible()
    expect(box.get_by_role("listitem").filter(has=suggestion)).to_contain_text("✓")
    title_at, box_at = title.bounding_box(), box.bounding_box()
    message_at = page.get_by_role("textbox", name=re.compile("^Message", re.I)).bounding_box()
    assert title_at["y"] + title_at["height"] <= box_at["y"] < message_at["y"]

    suggestion.click()

    expect(page).to_have_url(re.compile(re.escape(thread_url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("main").get_by_text("Accepted answer").first).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Réinitialisez le pont")


def test_an_unrelated_title_suggests_nothing(page, solved_thread):
    username, _thread_url = solved_thread
    log_in(page, username)

    page.goto("/t/new/")
    page.get_by_role("textbox", name="Title").press_sequentially("Quelle pile pour la télécommande", delay=20)
    page.wait_for_timeout(1000)  # past the 300 ms pause and the request

    expect(page.get_by_role("link", name=TITLE)).to_have_count(0)
    expect(page.get_by_role("heading", name="Similar threads")).to_have_count(0)


def test_a_search_longer_than_the_server_accepts_is_cut_by_the_box_and_still_answered(page, solved_thread):
    """27,000 characters would make a request line longer than daphne reads (16 KB): it closed the
    connection without a word. The header's box takes only what the search page accepts."""
    page.goto("/")
    box = page.get_by_role("searchbox", name="Search the forum")
    box.fill("ampoules " * 3000)
    assert len(box.input_value()) == 200

    box.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    expect(page.get_by_role("link", name=TITLE).first).to_be_visible()
    page.get_by_role("searchbox", name="Search for").fill("clignotent " * 3000)
    page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name=TITLE).first).to_be_visible()
    assert len(page.get_by_role("searchbox", name="Search for").input_value()) == 200
