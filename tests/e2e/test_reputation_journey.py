"""A member's answer is accepted; their profile shows the new reputation, the Solver badge
and the answer among their accepted answers.

Two people in two browser contexts against one real daphne: Rosa asked a
question and Eli answered it (both written through forum.services, in the
server's database); Rosa accepts Eli's answer on the thread page, and Eli reads
his own profile before and after. Elements are found by role, label and text,
as a screen reader would.
"""

import json
import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, log_in

ANSWER = "Hold the dimmer for ten seconds until it blinks green: that resets the pairing."

SETUP = """
import json

from allauth.account.models import EmailAddress
from forum import services
from forum.models import Category
from moderation import limits
from profiles.models import Member


def person(username, name):
    member = Member.objects.create_user(
        username=username, email=username + "@example.com", password={password!r}, display_name=name
    )
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    return member


rosa = person("rosa{token}", "Rosa {token}")
eli = person("eli{token}", "Eli {token}")
category = Category.objects.create(
    slug="dimmer-help-{token}", name="Dimmer help {token}", kind=Category.Kind.QUESTIONS
)
with limits.exempt():
    thread = services.start_thread(
        category=category, author=rosa, title={title!r}, body="It stopped answering the app yesterday."
    )
    services.post_reply(thread=thread, author=eli, body={answer!r})
print(json.dumps({{"thread": thread.get_absolute_url()}}))
"""


@pytest.fixture(autouse=True)
def _no_posting_limits():
    """Overrides the suite's, which needs pytest-django (absent here): the server has its own settings."""


@pytest.fixture
def story(manage):
    """Rosa's question and Eli's answer, not yet accepted."""
    token = secrets.token_hex(3)
    title = f"My dimmer no longer pairs with the app ({token})"
    output = manage("shell", "-c", SETUP.format(password=PASSWORD, token=token, title=title, answer=ANSWER)).stdout
    return {
        "asker": (f"rosa{token}", f"Rosa {token}"),
        "answerer": (f"eli{token}", f"Eli {token}"),
        "title": title,
        "thread_url": json.loads(output.strip().splitlines()[-1])["thread"],
    }


def open_own_profile(page, display_name):
    """Through the member menu in the header."""
    page.get_by_role("banner").get_by_text(display_name).click()
    page.get_by_role("link", name="My profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(display_name)


def stat(page, term):
    """The figure given for a term in the profile header, e.g. Reputation: the definition after the term."""
    return page.get_by_role("term").filter(has_text=re.compile(f"^{term}$")).locator("xpath=following-sibling::dd[1]")


def profile_tab(page, name):
    page.get_by_role("navigation", name="Profile sections").get_by_role("link", name=name).click()
    expect(page.get_by_role("navigation", name="Profile sections").get_by_role("link", name=name)).to_have_attribute(
        "aria-current", "page"
    )


def test_an_accepted_answer_earns_reputation_a_badge_and_a_place_in_the_activity(story, open_browser):
    username, name = story["answerer"]
    title = story["title"]

    # Eli looks at his profile: his answer has earned nothing yet.
    answerer = open_browser()
    log_in(answerer, username, name, "/")
    open_own_profile(answerer, name)
    expect(stat(answerer, "Reputation")).to_have_text("0")
    expect(answerer.get_by_role("region", name="Accepted answers")).to_contain_text("No accepted answers yet.")

    # Rosa accepts Eli's answer on her question.
    asker = open_browser()
    log_in(asker, *story["asker"], story["thread_url"])
    expect(asker.get_by_role("heading", level=1)).to_have_text(title)
    asker.get_by_role("article", name=name).get_by_role("button", name="Accept as answer").click()
    expect(asker.get_by_role("region", name="Accepted answer")).to_contain_text(ANSWER)

    # Eli's profile now shows 15 reputation points for it...
    answerer.reload()
    expect(stat(answerer, "Reputation")).to_have_text("15")
    profile_tab(answerer, "Reputation")
    expect(answerer.get_by_role("heading", level=2, name="15 reputation points")).to_be_visible()
    gain = answerer.get_by_role("row").filter(has=answerer.get_by_role("link", name=title))
    expect(gain).to_contain_text("+15")
    expect(gain).to_contain_text("Answer accepted")

    # ...the Solver badge (earned once, not for one post)...
    profile_tab(answerer, "Badges")
    solver = answerer.get_by_role("listitem").filter(has_text=re.compile(r"^\s*Solver\b"))
    expect(solver).to_have_count(1)
    expect(solver).to_contain_text("A first answer accepted on someone else's question.")
    expect(solver).to_contain_text("Solver (bronze)")

    # ...and the answer among his accepted answers in the activity.
    profile_tab(answerer, "Activity")
    kinds = answerer.get_by_role("navigation", name="Kind of activity")
    kinds.get_by_role("link", name="Accepted answers").click()
    expect(kinds.get_by_role("link", name="Accepted answers")).to_have_attribute("aria-current", "page")
    expect(kinds.get_by_role("link", name="Accepted answers")).to_contain_text("1")
    accepted = answerer.get_by_role("listitem").filter(has=answerer.get_by_role("link", name=title))
    expect(accepted).to_have_count(1)
    expect(accepted).to_contain_text("Accepted answer")
    expect(accepted).to_contain_text("Hold the dimmer for ten seconds")
    accepted.get_by_role("link", name=title).click()
    expect(answerer.get_by_role("heading", level=1)).to_have_text(title)
    expect(answerer.get_by_role("region", name="Accepted answer")).to_contain_text(ANSWER)
