"""A question finds its answerer, in two browsers against the real daphne: Quinn's question has
waited past its category's delay; invite_answerers runs (a manage.py process beside the server,
as `make demo` runs it); Ada, who knows the question's tag and has a page open, sees the
invitation arrive without a reload, follows it and answers; Quinn accepts her answer; Ada's
profile shows the badge "Came to help".

How the invitation reaches Ada's open page: the command is another process. With Redis (REDIS_URL)
its push reaches the server's sockets at once; with the embedded in-memory channel layer it cannot,
and the page learns of it as every open page does of what it missed, by asking again every two to
three minutes (static/js/live.js): the page's clock is Playwright's, moved past that interval, so
that the test need not wait. Either way the page is not reloaded.
"""

import json
import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PEOPLE_SETUP, log_in
from tests.e2e.test_live_notifications import bell_of, wait_for_frame
from tests.e2e.test_reputation_journey import open_own_profile, profile_tab

ANSWER = "Hold the bridge's button for ten seconds until the light turns amber, then pair it again from the app."

SETUP = """
from datetime import timedelta

from django.utils import timezone
from taggit.models import Tag

from forum.models import Post, Thread
from reputation.models import CategoryExpertise, TagExpertise

quinn, ada = person("quinn{token}", "Quinn {token}"), person("ada{token}", "Ada {token}")
category = Category.objects.create(slug="bridge-help-{token}", name="Bridge help {token}", kind=Category.Kind.QUESTIONS)
with limits.exempt():
    question = services.start_thread(
        category=category, author=quinn, title={title!r}, body="It drops out at dusk.", tags=["bridge-{token}"]
    )
# Quinn asked 40 minutes ago: past the category's first delay (30 minutes).
asked = timezone.now() - timedelta(minutes=40)
Thread.objects.filter(pk=question.pk).update(created_at=asked, last_activity_at=asked)
Post.objects.filter(thread=question).update(created_at=asked)
# Ada answered about the bridge before (the expertise the ledger keeps) and was seen today.
now = timezone.now()
tag = Tag.objects.get(name="bridge-{token}")
TagExpertise.objects.create(member=ada, category=category, tag=tag, points=40, last_earned_at=now)
CategoryExpertise.objects.create(member=ada, category=category, points=40, last_earned_at=now)
Member.objects.filter(pk=ada.pk).update(last_seen=now)
print(json.dumps({{"thread": question.get_absolute_url()}}))
"""


@pytest.fixture(autouse=True)
def _no_posting_limits():
    """Overrides the suite's, which needs pytest-django (absent here): the server has its own settings."""


@pytest.fixture
def story(manage):
    token = secrets.token_hex(3)
    title = f"The bridge drops out of the app every evening ({token})"
    output = manage("shell", "-c", PEOPLE_SETUP + SETUP.format(token=token, title=title)).stdout
    return {
        "title": title,
        "thread_url": json.loads(output.strip().splitlines()[-1])["thread"],
        **{key: (f"{key}{token}", f"{key.title()} {token}") for key in ("quinn", "ada")},
    }


def test_an_invited_member_answers_and_earns_came_to_help(story, open_browser, manage):
    title = story["title"]
    ada_name = story["ada"][1]

    # Ada has her list of open questions open: Quinn's is there, and her bell is quiet.
    ada = open_browser()
    ada.clock.install()  # the page's timers, moved on below instead of waited for
    frames = []
    ada.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
    log_in(ada, *story["ada"], "/answer/")
    expect(ada.get_by_role("link", name=title)).to_be_visible()
    bell = bell_of(ada)
    expect(bell).to_have_text(re.compile(r"\b0 unread"))
    wait_for_frame(frames, ada, "hello")
    ada.evaluate("window.stillTheSamePage = true")

    # The invitations' round runs beside the server.
    assert manage("invite_answerers").stdout.strip() == "1 member(s) invited to answer."

    # Ada's open page hears of it, without a reload.
    ada.clock.fast_forward("03:10")
    expect(bell).to_have_text(re.compile(r"\b1 unread"))
    assert ada.evaluate("window.stillTheSamePage") is True

    # She follows the invitation and answers.
    bell.click()
    ada.get_by_role("link", name=f"Can you help? “{title}” is waiting for an answer").click()
    expect(ada.get_by_role("heading", level=1)).to_have_text(title)
    ada.get_by_role("textbox", name="Your reply").fill(ANSWER)
    ada.get_by_role("button", name="Post reply").click()
    expect(ada.get_by_role("article", name=ada_name)).to_contain_text(ANSWER)

    # Quinn accepts her answer.
    quinn = open_browser()
    log_in(quinn, *story["quinn"], story["thread_url"])
    quinn.get_by_role("article", name=ada_name).get_by_role("button", name="Accept as answer").click()
    expect(quinn.get_by_role("region", name="Accepted answer")).to_contain_text(ANSWER)

    # Ada's profile shows the badge for it.
    open_own_profile(ada, ada_name)
    profile_tab(ada, "Badges")
    came = ada.get_by_role("listitem").filter(has_text=re.compile(r"^\s*Came to help\b"))
    expect(came).to_have_count(1)
    expect(came).to_contain_text("Your answer to a question you were invited to answer was accepted.")
