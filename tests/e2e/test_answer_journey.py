"""A member asks in a question category, a second member answers, the asker accepts the answer,
a staff member replies; every reader then sees the accepted answer and the official response.

Four people, each in a browser context of their own, against one real daphne:
Quinn asks, Ada answers, Sam (Lumio Support) replies for the brand, and a
visitor reads the result. Elements are found by role, label and text, as a
screen reader would.
"""

import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, log_in

STAFF_TITLE = "Lumio Support"
QUESTION = "The lamp forgets its schedule after a power cut. How do I keep it?"
ANSWER = "Turn on “Keep schedule offline” under Settings › Power: the lamp then stores it in its own memory."
OFFICIAL = "Thanks for asking: firmware 3.2 keeps the schedule by default, and it is rolling out this week."

SETUP = """
from allauth.account.models import EmailAddress
from forum.models import Category
from profiles.models import Member


def person(username, name):
    member = Member.objects.create_user(
        username=username, email=username + "@example.com", password={password!r}, display_name=name
    )
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)


for role in ("quinn", "ada", "sam"):
    person(role + "{token}", role.title() + " {token}")
Category.objects.create(slug="lamp-questions-{token}", name="Lamp questions {token}", kind=Category.Kind.QUESTIONS)
"""


@pytest.fixture(autouse=True)
def _no_posting_limits():
    """Overrides the suite's, which needs pytest-django (absent here): the server has its own settings."""


@pytest.fixture
def cast(manage):
    """Who is who: the asker, the answerer and a staff member of the brand, in the server's database."""
    token = secrets.token_hex(3)
    manage("shell", "-c", SETUP.format(password=PASSWORD, token=token))
    manage("grant_role", f"sam{token}", "staff", "--title", STAFF_TITLE)
    people = {role: (f"{role}{token}", f"{role.title()} {token}") for role in ("quinn", "ada", "sam")}
    return {
        **people,
        "title": f"{QUESTION} ({token})",
        "category": f"Lamp questions {token}",
        "category_url": f"/c/lamp-questions-{token}/",
    }


def reply_to_thread(page, text):
    page.get_by_role("textbox", name="Your reply").fill(text)
    page.get_by_role("button", name="Post reply").click()


def test_an_accepted_answer_and_an_official_response_show_on_the_thread(cast, open_browser):
    asker_name, answerer_name, staff_name = cast["quinn"][1], cast["ada"][1], cast["sam"][1]
    title = cast["title"]

    # Quinn opens the question category and asks.
    asker = open_browser()
    log_in(asker, *cast["quinn"], cast["category_url"])
    expect(asker.get_by_role("heading", level=1)).to_have_text(cast["category"])
    asker.get_by_role("link", name="Ask a question").click()
    asker.get_by_label("Category").select_option(label=cast["category"])
    asker.get_by_label("Title").fill(title)
    asker.get_by_label("Message").fill("After every power cut the lamp is back to always-on. Can it remember?")
    asker.get_by_role("button", name="Post thread").click()
    expect(asker.get_by_role("heading", level=1)).to_have_text(title)
    expect(asker.get_by_text("No answers yet. Do you know the answer?")).to_be_visible()
    thread_url = asker.url

    # Ada finds the question in the category and answers it.
    answerer = open_browser()
    log_in(answerer, *cast["ada"], cast["category_url"])
    answerer.get_by_role("link", name=title).click()
    expect(answerer.get_by_role("heading", level=1)).to_have_text(title)
    expect(answerer.get_by_role("heading", name="Your answer")).to_be_visible()
    reply_to_thread(answerer, ANSWER)
    expect(answerer.get_by_role("article", name=answerer_name)).to_contain_text(ANSWER)

    # Quinn reloads the question and accepts Ada's reply as the answer.
    asker.reload()
    answer = asker.get_by_role("article", name=answerer_name)
    expect(answer).to_contain_text(ANSWER)
    answer.get_by_role("button", name="Accept as answer").click()
    expect(asker.get_by_role("region", name="Accepted answer")).to_contain_text(ANSWER)
    expect(asker.get_by_role("button", name="Unmark answer").first).to_be_visible()

    # Sam, on the brand's staff, opens the thread and replies.
    staff = open_browser()
    log_in(staff, *cast["sam"], thread_url)
    expect(staff.get_by_role("heading", level=1)).to_have_text(title)
    reply_to_thread(staff, OFFICIAL)
    expect(staff.get_by_role("article", name=staff_name)).to_contain_text(OFFICIAL)

    # A visitor, not logged in, sees the question marked solved in the category...
    visitor = open_browser()
    visitor.goto(cast["category_url"])
    row = visitor.get_by_role("listitem").filter(has=visitor.get_by_role("link", name=title))
    expect(row).to_contain_text("Solved")
    expect(row).to_contain_text("Official response")

    # ...and on the thread: the accepted answer right under the question, the official response badge
    # on the staff member's reply.
    row.get_by_role("link", name=title).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(title)
    expect(visitor.get_by_role("banner").get_by_role("link", name="Log in")).to_be_visible()
    expect(visitor.get_by_role("main").get_by_text(re.compile(r"^✓ Solved$"))).to_be_visible()
    question = visitor.get_by_role("article", name=asker_name)
    accepted = visitor.get_by_role("region", name="Accepted answer")
    official = visitor.get_by_role("article", name=staff_name)
    expect(question).to_contain_text("Can it remember?")
    expect(accepted.get_by_role("article", name=answerer_name)).to_contain_text(ANSWER)
    expect(accepted).not_to_contain_text(OFFICIAL)
    expect(official).to_contain_text(OFFICIAL)
    expect(official.get_by_text(f"Official response · {STAFF_TITLE}")).to_be_visible()
    assert in_reading_order(question, accepted, official), "the accepted answer should sit between question and replies"


def in_reading_order(*locators) -> bool:
    """Each element comes after the one before in the document."""
    handles = [locator.element_handle() for locator in locators]
    return locators[0].page.evaluate(
        """(elements) => elements.every((element, i) =>
            i === 0 || Boolean(elements[i - 1].compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING))""",
        handles,
    )
