"""Browser tests: Playwright drives Debian's Chromium against a real daphne server.

The server is a separate process (`config.asgi:application` under daphne, so
WebSockets work) with its own VAR_DIR, database, mailbox and search index, all
in a temporary folder, one per test module (the browser is shared by all).
These tests never touch pytest-django's test database: `make test-e2e` runs
them with `-p no:django`, and everything they need from the server side goes
through the `manage` helper (a `manage.py` subprocess with the server's
environment) or the `mailbox` helper (the file email backend).

On failure a screenshot and the HTML of every open page, and the server log,
go to test-results/.
"""

import contextlib
import email
import email.policy
import os
import re
import secrets
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

from tests.conftest import require_service
from tests.servers import PYTHON, ROOT, PostgresDatabase, free_port, run_manage, wait_until_serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
RESULTS_DIR = ROOT / "test-results"
TIMEOUT_MS = 10_000
# The password every journey's members are created with (through `manage`).
PASSWORD = "velvet-lantern-orbit-42"

# The start of a `manage.py shell -c` script that writes a journey's people into the server's
# database: person(username, display name) makes a member with a verified email who logs in
# with PASSWORD. A journey's script goes on from here.
PEOPLE_SETUP = f"""
import json

from allauth.account.models import EmailAddress
from forum import services
from forum.models import Category
from moderation import limits
from profiles.models import Member


def person(username, name):
    member = Member.objects.create_user(
        username=username, email=username + "@example.com", password={PASSWORD!r}, display_name=name
    )
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    return member
"""

expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(items):
    e2e_dir = Path(__file__).parent
    for item in items:
        if e2e_dir in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _clean_cache():
    """Overrides the suite's cache clearing: the server's cache lives in another process."""
    yield


# Server -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def server_env(tmp_path_factory):
    """The environment the server and `manage` run with: everything in a temp folder.

    A SQLite file by default; when DATABASE_URL points at PostgreSQL, a fresh
    database on that server, dropped at the end.
    """
    tmp = tmp_path_factory.mktemp("agora-e2e")
    var_dir = tmp / "var"
    mail_dir = tmp / "mail"
    var_dir.mkdir()
    mail_dir.mkdir()
    token = secrets.token_hex(4)

    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    outer_db = env.get("DATABASE_URL", "").strip()
    postgres = None
    if outer_db.startswith(("postgres://", "postgresql://")):
        postgres = PostgresDatabase(outer_db)
        postgres.create()
        database_url = postgres.url
    else:
        database_url = f"sqlite:///{var_dir / 'db.sqlite3'}"

    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        ENVIRONMENT="demo",
        DEBUG="false",
        VAR_DIR=str(var_dir),
        MEDIA_ROOT=str(var_dir / "media"),
        DATABASE_URL=database_url,
        EMAIL_URL=f"file://{mail_dir}",
        SEARCH_PATH=str(var_dir / "whoosh"),
        RATE_LIMITS="false",
        # If REDIS_URL is set, keep this run's keys apart from anyone else's.
        CACHE_PREFIX=f"agora-e2e-{token}",
        CHANNEL_PREFIX=f"agora-e2e-{token}",
        PYTHONUNBUFFERED="1",
    )
    env.pop("SECRET_KEY", None)  # generated under the temp VAR_DIR
    env.pop("SITE_URL", None)  # follows the server's PORT (live_server_url)
    try:
        run_manage(env, "migrate", "--noinput", timeout=300)
        yield env
    finally:
        if postgres:
            postgres.drop()


@pytest.fixture(scope="module")
def server_log(server_env):
    return Path(server_env["VAR_DIR"]) / "daphne.log"


@pytest.fixture(scope="module")
def live_server_url(server_env, server_log):
    """Start daphne on a free loopback port for this test module; stop it at the end.

    One server and one fresh database per module: a module's tests can count
    what they made without the other modules' data showing up.
    """
    process = None
    with server_log.open("ab") as log:
        for _attempt in range(3):  # the port can be taken between picking it and binding it
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            process = subprocess.Popen(
                [PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
                cwd=ROOT,
                # As `make demo` serves: links in the emails it sends point at this port.
                env={**server_env, "PORT": str(port)},
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
            if wait_until_serving(process, f"{url}/", server_log):
                break
        else:
            pytest.fail(f"daphne would not start:\n{server_log.read_text()}", pytrace=False)
    try:
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def manage(server_env):
    """Run a manage.py command against the server's database and settings.

    manage("grant_role", "alice", "moderator")
    manage("shell", "-c", "from profiles.models import Member; print(Member.objects.count())").stdout
    Fails the test when the command fails, unless check=False.
    """

    def run(*args: str, input: str | None = None, check: bool = True, timeout: float = 120):
        return run_manage(server_env, *args, input=input, check=check, timeout=timeout)

    return run


# Mailbox ----------------------------------------------------------------------


class Mailbox:
    """The folder Django's file email backend writes to, one file per connection."""

    SEPARATOR = b"\n" + b"-" * 79 + b"\n"
    URL = re.compile(r"https?://[^\s<>\"']+")

    def __init__(self, path: Path):
        self.path = path

    def messages(self) -> list[email.message.EmailMessage]:
        """Every message, oldest first."""
        found = []
        files = sorted(self.path.glob("*.log"), key=lambda p: (p.stat().st_mtime_ns, p.name))
        for file in files:
            for chunk in file.read_bytes().split(self.SEPARATOR):
                if chunk.strip():
                    found.append(email.message_from_bytes(chunk.lstrip(b"\n"), policy=email.policy.default))
        return found

    def latest(self, to: str | None = None, timeout: float = 5) -> email.message.EmailMessage:
        """The newest message (to that address), waiting a little for it to arrive."""
        deadline = time.monotonic() + timeout
        while True:
            candidates = [m for m in self.messages() if to is None or to.lower() in str(m["To"]).lower()]
            if candidates:
                return candidates[-1]
            if time.monotonic() > deadline:
                pytest.fail(f"no mail{' to ' + to if to else ''} in {self.path}", pytrace=False)
            time.sleep(0.1)

    @staticmethod
    def text(message: email.message.EmailMessage) -> str:
        body = message.get_body(preferencelist=("plain", "html"))
        return body.get_content() if body else ""

    def link(self, to: str | None = None, contains: str = "") -> str:
        """The first link in the newest message (to that address) whose URL contains `contains`."""
        message = self.latest(to)
        text = self.text(message)
        for url in self.URL.findall(text):
            if contains in url:
                return url.rstrip(".,;)")
        pytest.fail(f"no link containing {contains!r} in mail {message['Subject']!r}:\n{text}", pytrace=False)


@pytest.fixture(scope="module")
def mailbox(server_env):
    return Mailbox(Path(urlsplit(server_env["EMAIL_URL"]).path))


# Browser ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    require_service("Chromium", CHROMIUM.exists(), "apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


# Every page reports what its Content-Security-Policy blocked; a test that saw any fails.
# The event comes from an init script (so it is listening before the page's first byte),
# through a binding that outlives navigations; Chromium also logs each violation.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(`${event.effectiveDirective} blocked ${event.blockedURI || "inline code"}`
    + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`
    + (event.sample ? ` (${event.sample})` : ""));
}, true);
"""
_CSP_CONSOLE = re.compile(r"Content Security Policy|Content-Security-Policy")


def _watch_policy_violations(context):
    """Collect the context's policy violations in context.csp_violations."""
    violations = context.csp_violations = []

    def reported(source, text):
        violations.append(f"{source['frame'].url}: {text}")

    def logged(message):
        if _CSP_CONSOLE.search(message.text):
            violations.append(f"console: {message.text}")

    context.expose_binding("__cspViolation", reported)
    context.add_init_script(_REPORT_VIOLATIONS)
    context.on("console", logged)


def policy_violations(context) -> list[str]:
    """What the policy blocked in this context so far, once the pages delivered their reports."""
    for page in context.pages:
        # A round trip, so that reports sent before it have arrived; a closed or
        # crashed page has nothing more to say.
        with contextlib.suppress(PlaywrightError):
            page.evaluate("0")
    return list(context.csp_violations)


def _fail_on_policy_violations(contexts):
    violations = [violation for context in contexts for violation in policy_violations(context)]
    if violations:
        pytest.fail("the Content-Security-Policy blocked:\n" + "\n".join(violations), pytrace=False)


def _new_context(browser, live_server_url):
    """A fresh browser profile (no cookies), in English, pointed at the server, watching the policy."""
    context = browser.new_context(base_url=live_server_url, locale="en-US", timezone_id="UTC")
    context.set_default_timeout(TIMEOUT_MS)
    _watch_policy_violations(context)
    return context


@pytest.fixture
def context(browser, live_server_url):
    context = _new_context(browser, live_server_url)
    yield context
    try:
        _fail_on_policy_violations([context])
    finally:
        context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def open_browser(browser, live_server_url):
    """A page in a browser profile of its own, for each person of a journey; closed at the end."""
    contexts = []

    def new_page():
        contexts.append(_new_context(browser, live_server_url))
        return contexts[-1].new_page()

    yield new_page
    try:
        _fail_on_policy_violations(contexts)
    finally:
        for context in contexts:
            context.close()


def wait_until(page, expression: str, arg=None, timeout: float = 10.0):
    """Until `expression` (a function of `arg` when given) is true in the page, asked from here.

    Playwright's wait_for_function polls inside the page with `new Function`, which the site's
    Content-Security-Policy (no 'unsafe-eval') refuses whenever the first check is false; an
    evaluation from here is not the page's own script."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(50)


SOCKET_OPEN = "window.agoraLive?.socket?.readyState === WebSocket.OPEN"


def log_in(page, username, display_name, path="/"):
    """Through the real log-in form, then on to `path`; done when the header names the member."""
    page.goto(f"/accounts/login/?next={path}")
    page.get_by_label(re.compile(r"^(Login|Username or email)")).fill(username)
    page.get_by_label(re.compile(r"^Password")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^sign in$", re.I)).click()
    expect(page.get_by_role("banner").get_by_text(display_name)).to_be_visible()


def _save_failure(item, when: str) -> str:
    """Screenshot and HTML of every open page of every context, and the server log."""
    RESULTS_DIR.mkdir(exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid).strip("_")
    if when != "call":
        stem += f"-{when}"
    saved = []
    browser = item.funcargs.get("browser")
    pages = [page for context in browser.contexts for page in context.pages] if browser else []
    for number, page in enumerate(pages, 1):
        name = stem if len(pages) == 1 else f"{stem}-{number}"
        try:
            page.screenshot(path=str(RESULTS_DIR / f"{name}.png"), full_page=True)
            (RESULTS_DIR / f"{name}.html").write_text(page.content())
            saved.append(f"{name}.png ({page.url})")
        except Exception as exc:  # a page that is gone or hung must not hide the failure
            saved.append(f"{name}: no screenshot ({exc.__class__.__name__})")
    server_log = item.funcargs.get("server_log")
    if server_log and server_log.exists():
        shutil.copyfile(server_log, RESULTS_DIR / f"{stem}.server.log")
        saved.append(f"{stem}.server.log")
    return f"in {RESULTS_DIR}: " + (", ".join(saved) or "nothing to save")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """On failure, while the test's pages are still open: save what the browser showed."""
    report = yield
    if report.failed and report.when in {"setup", "call"} and hasattr(item, "funcargs"):
        report.sections.append(("e2e artefacts", _save_failure(item, report.when)))
    return report
