"""Pictures in a reply: Wren pastes a screenshot into the reply box of a thread Olive started,
watches it upload, posts the reply, and the thread shows it as a thumbnail that opens the full
picture. Dropping a file that is not a picture says why, and leaves the message as it was."""

import base64
import re
import secrets
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import PEOPLE_SETUP, log_in, wait_until

SETUP = (
    PEOPLE_SETUP
    + """
olive = person("olive{token}", "Olive {token}")
person("wren{token}", "Wren {token}")
category = Category.objects.create(slug="lamps-{token}", name="Lamps {token}")
with limits.exempt():
    thread = services.start_thread(
        category=category, author=olive, title="Which setting for the hallway? {token}", body="Show me.", tags=[]
    )
print(thread.get_absolute_url())
"""
)

# A DataTransfer holding one file, as the clipboard or a drag gives the page.
TRANSFER = """([name, type, data, text]) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name, { type }));
    if (text) transfer.setData("text/plain", text);
    return transfer;
}"""
PASTE = """(box, transfer) => {
    box.focus();
    box.dispatchEvent(new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true }));
}"""


def paste(page, box, name, type_, data, text=""):
    transfer = page.evaluate_handle(TRANSFER, [name, type_, data, text])
    box.evaluate(PASTE, transfer)


def composer_ready(page):
    """pictures.js has bound the reply box: it puts its button in place of the fallback link.
    The header naming the member (log_in) can come before the deferred scripts ran."""
    expect(page.get_by_role("button", name="Add pictures")).to_be_visible()


def drop(page, box, name, type_, data):
    transfer = page.evaluate_handle(TRANSFER, [name, type_, data, ""])
    box.dispatch_event("dragover", {"dataTransfer": transfer})
    box.dispatch_event("drop", {"dataTransfer": transfer})


def screenshot_png() -> str:
    out = BytesIO()
    Image.new("RGB", (1200, 800), (36, 84, 197)).save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


@pytest.fixture(autouse=True)
def _no_posting_limits():
    """Overrides the suite's, which needs pytest-django (absent here): the server has its own settings."""


@pytest.fixture
def cast(manage):
    token = secrets.token_hex(3)
    script = SETUP.replace("{token}", token)
    thread_url = manage("shell", "-c", script).stdout.strip().splitlines()[-1]
    return {"token": token, "wren": (f"wren{token}", f"Wren {token}"), "thread_url": thread_url}


def test_a_pasted_screenshot_uploads_into_the_reply_and_shows_in_the_thread(page, cast):
    log_in(page, *cast["wren"], cast["thread_url"])
    box = page.get_by_role("textbox", name="Your reply")
    box.fill("Here is the right setting:")
    composer_ready(page)

    paste(page, box, "image.png", "image/png", screenshot_png())

    expect(box).to_have_value(re.compile(r"^Here is the right setting:\n\n!\[image\]\(/uploads/[\w-]+\.png\)\n\n$"))
    page.get_by_role("button", name="Post reply").click()

    reply = page.get_by_role("article", name=cast["wren"][1])
    link = reply.get_by_role("link", name="image")
    expect(link).to_have_attribute("href", re.compile(r"^/uploads/[\w-]+\.png$"))
    thumbnail = link.get_by_role("img", name="image")
    expect(thumbnail).to_have_attribute("width", "720")
    expect(thumbnail).to_have_attribute("height", "480")
    expect(thumbnail).to_have_attribute("loading", "lazy")
    thumbnail.scroll_into_view_if_needed()
    wait_until(page, "(img) => img.complete && img.naturalWidth === 720", thumbnail.element_handle())

    link.click()
    page.wait_for_url(re.compile(r"/uploads/[\w-]+\.png$"))
    assert page.evaluate("() => [document.images[0].naturalWidth, document.images[0].naturalHeight]") == [1200, 800]


def test_a_dropped_file_that_is_not_a_picture_is_refused_with_the_reason(page, cast):
    log_in(page, *cast["wren"], cast["thread_url"])
    box = page.get_by_role("textbox", name="Your reply")
    box.fill("Before.")
    composer_ready(page)
    fake = base64.b64encode(b"<html><script>alert(1)</script></html>").decode()

    drop(page, box, "lamp.png", "image/png", fake)

    expect(page.get_by_role("alert")).to_contain_text("not a picture we can use")
    expect(box).to_have_value(re.compile(r"^Before\.\s*$"))
    expect(page.get_by_role("button", name="Post reply")).to_be_enabled()


def photo_jpeg(colour) -> dict:
    out = BytesIO()
    Image.new("RGB", (320, 240), colour).save(out, format="JPEG")
    return {"name": "lamp.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def test_several_pictures_chosen_with_the_button_go_into_a_new_thread_and_an_edit_removes_one(page, cast):
    log_in(page, *cast["wren"], f"/t/new/?category=lamps-{cast['token']}")
    page.get_by_label("Title").fill(f"Two lamps side by side {cast['token']}")
    message = page.get_by_label("Message")
    message.fill("Left and right:")

    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Add pictures").click()
    chooser.value.set_files([photo_jpeg((250, 200, 80)), photo_jpeg((80, 120, 250))])

    expect(message).to_have_value(re.compile(r"^Left and right:\n\n(!\[lamp\]\(/uploads/[\w-]+\.jpg\)\n\n){2}$"))
    page.get_by_role("button", name="Post thread").click()
    opening = page.get_by_role("article").first
    expect(opening.get_by_role("img", name="lamp")).to_have_count(2)

    page.goto(opening.get_by_role("link", name="Edit").get_attribute("href"))
    text = page.get_by_label("Message").input_value()
    page.get_by_label("Message").fill(text.split("\n\n")[0] + "\n\n" + text.split("\n\n")[1])
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("article").first.get_by_role("img", name="lamp")).to_have_count(1)


def test_without_javascript_a_picture_is_sent_from_its_own_page_and_its_markdown_pasted(browser, live_server_url, cast):
    context = browser.new_context(base_url=live_server_url, locale="en-US", java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, *cast["wren"], cast["thread_url"])
        link = page.get_by_role("link", name="Add a picture (opens a new tab)")
        page.goto(link.get_attribute("href"))  # the same page the new tab shows
        page.get_by_label("Picture").set_input_files(photo_jpeg((200, 90, 40)))
        page.get_by_role("button", name="Upload").click()
        line = page.get_by_label("Copy this line into your message where the picture goes:").input_value()
        assert re.fullmatch(r"!\[lamp\]\(/uploads/[\w-]+\.jpg\)", line)

        page.goto(cast["thread_url"])
        page.get_by_role("textbox", name="Your reply").fill(f"Without scripts:\n\n{line}")
        page.get_by_role("button", name="Post reply").click()

        reply = page.get_by_role("article", name=cast["wren"][1])
        expect(reply.get_by_role("img", name="lamp")).to_have_attribute("width", "320")
    finally:
        context.close()


def test_text_pasted_from_a_document_with_a_picture_of_itself_is_left_to_the_browser(page, cast):
    log_in(page, *cast["wren"], cast["thread_url"])
    box = page.get_by_role("textbox", name="Your reply")
    uploads = []
    page.on("request", lambda request: uploads.append(request) if request.url.endswith("/uploads/") else None)
    composer_ready(page)  # else nothing would upload because nothing listened yet

    paste(page, box, "image.png", "image/png", screenshot_png(), text="A paragraph from a document")

    page.wait_for_timeout(500)
    assert uploads == []
    expect(page.locator("[data-picker-list] li")).to_have_count(0)
