"""Writing a reply: the draft survives a reload and goes once sent, leaving with unsent text asks
first, and @ offers members to mention, chosen with the keyboard.

Wren writes in a thread Olive started; Camille and Carlos are members Wren may mention.
"""

import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, log_in

SETUP = """
from allauth.account.models import EmailAddress
from forum import services
from forum.models import Category
from profiles.models import Member


def person(username, name):
    member = Member.objects.create_user(
        username=username, email=username + "@example.com", password={password!r}, display_name=name
    )
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    return member


olive = person("olive{token}", "Olive {token}")
person("wren{token}", "Wren {token}")
category = Category.objects.create(slug="lamps-{token}", name="Lamps {token}")
thread = services.start_thread(
    category=category, author=olive, title="Which bulb for the hallway? {token}", body="Warm or cold light?", tags=[]
)
print(thread.get_absolute_url())
"""

MENTIONABLE = """
from profiles.models import Member

for username, name in [("camille", "Camille Roux"), ("carlos", "Carlos Diaz"), ("cathy", "Cathy Gone")]:
    Member.objects.create_user(
        username=username + "{token}", email=username + "{token}@example.com", password={password!r},
        display_name=name + " {token}", is_active=username != "cathy",
    )
"""


@pytest.fixture(autouse=True)
def _no_posting_limits():
    """Overrides the suite's, which needs pytest-django (absent here): the server has its own settings."""


@pytest.fixture
def cast(manage):
    token = secrets.token_hex(3)
    thread_url = manage("shell", "-c", SETUP.format(password=PASSWORD, token=token)).stdout.strip().splitlines()[-1]
    return {"token": token, "wren": (f"wren{token}", f"Wren {token}"), "thread_url": thread_url}


@pytest.fixture
def writer(cast, page):
    """Wren, logged in, on the thread, with a record of every dialog the page opened."""
    log_in(page, *cast["wren"], cast["thread_url"])
    page.dialogs = []
    return page


def answer_dialogs(page, *, leave: bool):
    """Answer every dialog: leave the page (accept) or stay on it (dismiss); note its type."""

    def answer(dialog):
        page.dialogs.append(dialog.type)
        if leave:
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", answer)


def type_reply(page, text):
    box = page.get_by_role("textbox", name="Your reply")
    box.click()  # a person's click: browsers ask before leaving only after one
    page.keyboard.type(text)
    return box


def test_an_unsent_reply_survives_a_reload_and_a_visit_elsewhere_and_goes_once_sent(cast, writer):
    answer_dialogs(writer, leave=True)
    text = "A warm white bulb, 2700 K, suits a hallway."
    box = type_reply(writer, text)

    writer.reload()
    box = writer.get_by_role("textbox", name="Your reply")
    expect(box).to_have_value(text)
    expect(writer.get_by_role("status").filter(has_text="Your unsent draft was restored.")).to_be_visible()

    writer.get_by_role("link", name=f"Lamps {cast['token']}").first.click()
    expect(writer.get_by_role("heading", level=1)).to_have_text(f"Lamps {cast['token']}")
    writer.goto(cast["thread_url"])
    expect(writer.get_by_role("textbox", name="Your reply")).to_have_value(text)
    dialogs_before_sending = len(writer.dialogs)

    writer.get_by_role("button", name="Post reply").click()
    expect(writer.get_by_role("article", name=cast["wren"][1])).to_contain_text(text)
    expect(writer.get_by_role("textbox", name="Your reply")).to_have_value("")
    assert len(writer.dialogs) == dialogs_before_sending, "sending asked whether to leave the page"

    writer.reload()
    expect(writer.get_by_role("textbox", name="Your reply")).to_have_value("")
    expect(writer.get_by_text("Your unsent draft was restored.")).to_be_hidden()


def test_a_new_thread_refused_by_the_server_keeps_its_draft_for_its_category(cast, writer):
    answer_dialogs(writer, leave=True)
    new_thread = f"/t/new/?category=lamps-{cast['token']}"
    writer.goto(new_thread)
    writer.get_by_label("Title").click()
    writer.keyboard.type("Hi")  # too short: the server answers with the form and its error
    writer.get_by_label("Message").click()
    writer.keyboard.type("Which bulb lasts longest?")

    writer.get_by_role("button", name="Post thread").click()
    expect(writer.get_by_text("The title needs at least 5 characters.")).to_be_visible()
    writer.goto("/")
    writer.goto(new_thread)

    expect(writer.get_by_label("Title")).to_have_value("Hi")
    expect(writer.get_by_label("Message")).to_have_value("Which bulb lasts longest?")
    writer.goto("/t/new/")  # "Start a thread", no category named: the latest draft, with its category
    expect(writer.get_by_label("Category")).to_have_value(re.compile(r"\d+"))
    expect(writer.get_by_label("Message")).to_have_value("Which bulb lasts longest?")


def test_leaving_a_page_with_unsent_text_asks_first(cast, writer):
    answer_dialogs(writer, leave=False)
    type_reply(writer, "Half a thought")

    with writer.expect_event("dialog") as asked:
        writer.get_by_role("link", name=f"Lamps {cast['token']}").first.click()

    assert asked.value.type == "beforeunload"
    expect(writer.get_by_role("textbox", name="Your reply")).to_have_value("Half a thought")
    assert writer.url.endswith(cast["thread_url"])


def test_a_page_whose_text_is_unchanged_lets_the_member_leave_without_asking(cast, writer):
    answer_dialogs(writer, leave=False)
    writer.get_by_role("textbox", name="Your reply").click()

    writer.get_by_role("link", name=f"Lamps {cast['token']}").first.click()

    expect(writer.get_by_role("heading", level=1)).to_have_text(f"Lamps {cast['token']}")
    assert writer.dialogs == []


def test_a_member_to_mention_is_chosen_with_the_keyboard(cast, writer, manage):
    answer_dialogs(writer, leave=True)
    token = cast["token"]
    manage("shell", "-c", MENTIONABLE.format(password=PASSWORD, token=token))
    box = type_reply(writer, "Ask @ca")

    suggestions = writer.get_by_role("listbox", name="Members to mention")
    expect(suggestions).to_be_visible()
    options = suggestions.get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text(f"Camille Roux {token}")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    expect(box).to_be_focused()

    writer.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    active = options.nth(1).get_attribute("id")
    expect(box).to_have_attribute("aria-activedescendant", active)
    writer.keyboard.press("Enter")

    expect(suggestions).to_be_hidden()
    expect(box).to_have_value(f"Ask @carlos{token} ")
    writer.keyboard.type("about it. @cam")
    expect(suggestions.get_by_role("option")).to_have_count(1)
    writer.keyboard.press("Escape")
    expect(suggestions).to_be_hidden()
    expect(box).to_have_value(f"Ask @carlos{token} about it. @cam")

    writer.get_by_role("button", name="Post reply").click()
    reply = writer.get_by_role("article", name=cast["wren"][1])
    expect(reply.get_by_role("link", name=f"@carlos{token}")).to_have_attribute(
        "href", re.compile(rf"/u/carlos{token}/$")
    )
