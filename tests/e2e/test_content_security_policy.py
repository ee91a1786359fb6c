"""The Content-Security-Policy in a real browser.

Every browser test fails at teardown when the policy blocked anything (conftest.py
watches every page). Here: proof that the watch reports a blocked inline script,
and a walk through the pages the journeys do not reach, the admin's included,
with the scripts that must keep working under the policy.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, SOCKET_OPEN, log_in, policy_violations, wait_until

TITLE = "Which bulb fits the Halo desk lamp"

SETUP = f"""
from allauth.account.models import EmailAddress
from forum import services
from forum.models import Category
from profiles.models import Member

people = {{}}
for username, boss in (("noe", False), ("ada", True)):
    member = Member.objects.create_user(
        username=username, email=f"{{username}}@example.com", password="{PASSWORD}", display_name=username.title(),
        is_superuser=boss, is_staff=boss, is_moderator=boss, is_brand_staff=boss, staff_title="Halo" if boss else "",
    )
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    people[username] = member
lamps = Category.objects.create(slug="lamps", name="Lamps", colour="#0a7d5a")
thread = services.start_thread(
    category=lamps, author=people["noe"], title="{TITLE}",
    body="| bulb | watts |\\n| :-- | --: |\\n| E14 | 40 |\\n\\nAny of these?",
)
services.post_reply(thread=thread, author=people["ada"], body="The E14 one.")
print(thread.get_absolute_url())
"""


@pytest.fixture(autouse=True)
def _no_posting_limits():
    """Overrides the suite's, which needs pytest-django (absent here): the server has its own settings."""


@pytest.fixture(scope="module")
def thread_url(manage):
    return manage("shell", "-c", SETUP).stdout.strip().splitlines()[-1]


OPEN_SOCKET = """(url) => new Promise((resolve) => {
  const socket = new WebSocket(url);
  socket.onopen = () => { socket.close(); resolve("open"); };
  socket.onerror = () => resolve("refused");
})"""


def visit(page, path):
    """Open a page and check that it rendered, and that the policy blocked nothing on it."""
    response = page.goto(path)
    assert response.status in (200, 404), f"{path}: {response.status}"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator("h1").first).to_be_visible()
    assert policy_violations(page.context) == [], path


def test_an_inline_script_put_into_a_page_of_the_site_is_blocked_and_reported(page):
    page.goto("/")

    page.set_content(
        '<p>Injected</p><script>window.injected = "ran"</script><img src="x" onerror="window.injected = 1">'
    )

    assert page.evaluate("window.injected") is None, "the policy kept the injected code from running"
    violations = policy_violations(page.context)
    assert any("script-src" in violation for violation in violations), violations
    page.context.csp_violations.clear()  # seen and checked: the teardown must not fail this test


def test_a_style_element_put_into_a_page_of_the_site_is_reported_too(page):
    page.goto("/")

    page.evaluate("document.head.append(Object.assign(document.createElement('style'), {textContent: 'p {}'}))")

    assert any("style-src" in violation for violation in policy_violations(page.context))
    page.context.csp_violations.clear()


def test_the_live_socket_may_connect_to_the_site_only(page, thread_url, live_server_url):
    log_in(page, "noe", "Noe")  # the server takes members' sockets only
    port = live_server_url.rsplit(":", 1)[1]
    # A second policy of 'self' alone (a page must satisfy both): Chromium lets 'self' match
    # the page's own ws: origin, which the header also names for browsers that do not.
    page.set_content("""<meta http-equiv="Content-Security-Policy" content="connect-src 'self'"><p>Sockets</p>""")

    opened = {host: page.evaluate(OPEN_SOCKET, f"ws://{host}:{port}/ws/") for host in ("127.0.0.1", "localhost")}

    assert opened == {"127.0.0.1": "open", "localhost": "refused"}
    assert any("connect-src" in violation and "localhost" in violation for violation in policy_violations(page.context))
    page.context.csp_violations.clear()


def test_a_visitor_reads_every_kind_of_page_without_a_violation(page, thread_url):
    for path in (
        "/",
        "/c/lamps/",
        thread_url,  # a Markdown table (aligned cells) and JSON-LD
        "/u/noe/",
        "/u/noe/?tab=activity",
        "/search/?q=bulb",
        "/leaderboard/",
        "/badges/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/no/such/page/",
    ):
        visit(page, path)
    expect(page.locator("script[type='application/ld+json']")).to_have_count(0)  # the 404 page has none
    page.goto(thread_url)
    expect(page.locator("script[type='application/ld+json']")).to_have_count(1)
    # The Permissions-Policy is in force, not only sent.
    allowed = page.evaluate(
        "['camera', 'microphone', 'geolocation', 'payment', 'usb']"
        ".filter((feature) => document.featurePolicy.allowsFeature(feature))"
    )
    assert allowed == []


def test_a_member_uses_the_live_pages_without_a_violation(page, thread_url):
    log_in(page, "noe", "Noe")

    # The live socket connects under connect-src.
    page.goto(thread_url)
    wait_until(page, SOCKET_OPEN)
    # The bell's menu (a <details>: a group) is fetched and put in place by live.js.
    page.get_by_role("banner").get_by_role("group").filter(has_text=re.compile(r"^\s*Notifications\b")).click()
    expect(page.get_by_role("link", name="See all notifications")).to_be_visible()

    page.goto("/t/new/?category=lamps")
    page.get_by_label("Title").fill("Which bulb for the Halo lamp")  # similar.js looks for similar threads
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    assert policy_violations(page.context) == []

    for path in ("/notifications/", "/notifications/preferences/", "/u/noe/edit/", "/accounts/email/"):
        visit(page, path)


def test_moderators_staff_and_the_admin_work_under_the_policy(page, thread_url):
    log_in(page, "ada", "Ada")
    for path in ("/mod/", "/mod/log/", "/staff/", "/staff/figures/", "/staff/announcements/", "/admin/"):
        visit(page, path)

    # The admin's own scripts still run: the slug is filled in from the name as it is typed.
    page.goto("/admin/forum/category/add/")
    page.get_by_label("Name:").press_sequentially("Desk lamps")
    expect(page.get_by_label("Slug:")).to_have_value("desk-lamps")
    page.get_by_role("button", name=re.compile("^Save$")).click()
    expect(page.get_by_text(re.compile("was added successfully"))).to_be_visible()

    # A list with editable cells, and a form with date widgets.
    visit(page, "/admin/forum/category/")
    page.goto("/admin/profiles/member/")
    page.get_by_role("link", name="noe", exact=True).click()
    expect(page.get_by_role("link", name="Today").first).to_be_visible()  # added by the admin's script
    assert policy_violations(page.context) == []


def test_a_member_makes_an_api_token_and_reads_the_api_docs_without_a_violation(page, thread_url):
    log_in(page, "noe", "Noe")
    page.goto("/accounts/api-tokens/")
    page.get_by_label("Name").fill("Help desk sync")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Create token").click()

    secret = page.get_by_label("The token").input_value()
    assert secret.startswith("agora_")
    expect(page.get_by_role("button", name="Revoke Help desk sync")).to_be_visible()
    page.reload()  # the form led back to the page: reloading it sends nothing again
    expect(page.get_by_label("The token")).to_have_count(0)  # shown once
    expect(page.get_by_role("button", name=re.compile("^Revoke"))).to_have_count(1)

    # The docs: Swagger UI from the site's own files, under the policy, listing the operations.
    page.goto("/api/docs/")
    expect(page.get_by_text("/api/v1/threads/{thread_id}", exact=True).first).to_be_visible()
    thread_id = thread_url.rstrip("/").rsplit("/", 1)[1]
    answer = page.request.get(f"/api/v1/threads/{thread_id}", headers={"Authorization": f"Bearer {secret}"})
    assert answer.ok and answer.json()["title"] == TITLE
    assert policy_violations(page.context) == []
