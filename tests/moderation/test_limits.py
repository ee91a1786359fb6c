"""Posting limits against floods (moderation/limits.py), with POSTING_LIMITS turned back on.

A new account (its first 24 hours) may start 3 threads, post 10 replies and
put at most 2 links in a post; everyone waits 5 seconds between posts (30 for
a new account) and starts at most 20 threads a day. Over a limit the page
answers 429 with Retry-After and the message on the form, and nothing is
saved. Staff, moderators and admins are exempt. The counters live in the
shared cache: with Redis, two processes see the same limits.

No test waits for a cooldown: it checks the 429, then deletes the cooldown key.
"""

import os
import secrets
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from forum import services
from forum.errors import RateLimited
from forum.models import Category, Post, Thread
from moderation import limits
from tests.conftest import require_service
from tests.forum.parsed import parse_html
from web import limits as web_limits

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _limits_on(settings):
    """The limits the forum promises, whatever the environment says."""
    settings.POSTING_LIMITS = True
    settings.NEW_ACCOUNT_HOURS = 24
    settings.NEW_ACCOUNT_THREADS = 3
    settings.NEW_ACCOUNT_REPLIES = 10
    settings.NEW_ACCOUNT_MAX_LINKS = 2
    settings.POST_COOLDOWN = 5
    settings.NEW_ACCOUNT_COOLDOWN = 30
    settings.THREADS_PER_DAY = 20


@pytest.fixture
def newcomer(make_member):
    """Joined an hour ago."""
    return make_member("newcomer", display_name="Nina Newcomer", date_joined=timezone.now() - timedelta(hours=1))


@pytest.fixture
def regular(make_member):
    """Joined a month ago."""
    return make_member("regular", display_name="Rita Regular", date_joined=timezone.now() - timedelta(days=30))


@pytest.fixture
def open_thread(discussion, make_member):
    """A thread by someone old enough not to be limited by it, started with the limits exempted."""
    starter = make_member("starter", date_joined=timezone.now() - timedelta(days=300))
    with limits.exempt():
        return services.start_thread(category=discussion, author=starter, title="Open for replies", body="Go ahead")


def wait_over(member):
    """What the cooldown's expiry would do: delete its key."""
    cache.delete(f"limit:cooldown:{member.pk}")


def new_thread(browser, category, n, body="Something to say"):
    return browser.post("/t/new/", {"category": category.pk, "title": f"Thread number {n} of mine", "body": body})


def reply_to(browser, thread, body="A reply of mine"):
    return browser.post(f"/t/{thread.slug}/{thread.pk}/reply/", {"body": body})


def retry_after(response) -> int:
    return int(response["Retry-After"])


def form_alert(response) -> str:
    page = parse_html(response.content)
    alert = page.find("div", class_="form-errors")
    return " ".join(alert.text.split()) if alert else ""


def snapshot():
    return {
        "threads": Thread.objects.count(),
        "posts": Post.objects.count(),
        "counts": sorted(Category.objects.values_list("pk", "thread_count", "post_count")),
        "replies": sorted(Thread.objects.values_list("pk", "reply_count")),
    }


# New accounts -----------------------------------------------------------------------------------


def test_a_new_account_starts_three_threads_and_the_fourth_is_refused(client_for, newcomer, discussion):
    browser = client_for(newcomer)
    for n in range(3):
        assert new_thread(browser, discussion, n).status_code == 302
        wait_over(newcomer)
    before = snapshot()

    response = new_thread(browser, discussion, 4)

    assert response.status_code == 429
    # Nina joined an hour ago: the new-account quota is lifted in 23 hours.
    assert 23 * 3600 - 60 <= retry_after(response) <= 23 * 3600
    assert "New accounts can start 3 threads in their first day." in form_alert(response)
    assert snapshot() == before


def test_a_new_account_posts_ten_replies_and_the_eleventh_is_refused(client_for, newcomer, open_thread):
    browser = client_for(newcomer)
    for n in range(10):
        assert reply_to(browser, open_thread, f"Reply number {n}").status_code == 302
        wait_over(newcomer)
    before = snapshot()

    response = reply_to(browser, open_thread, "Reply number 11")

    assert response.status_code == 429
    assert 23 * 3600 - 60 <= retry_after(response) <= 23 * 3600
    assert "New accounts can post 10 replies in their first day." in form_alert(response)
    assert snapshot() == before


def test_a_new_account_may_put_two_links_in_a_post(client_for, newcomer, open_thread):
    body = "See https://one.example and [two](https://two.example)."

    assert reply_to(client_for(newcomer), open_thread, body).status_code == 302


def test_a_new_account_cannot_put_three_links_in_a_post(client_for, newcomer, open_thread, discussion):
    body = "Visit https://one.example, https://two.example and https://three.example now."
    browser = client_for(newcomer)
    before = snapshot()

    replied = reply_to(browser, open_thread, body)
    started = browser.post("/t/new/", {"category": discussion.pk, "title": "Three links here", "body": body})

    for response in (replied, started):
        assert response.status_code == 429
        assert 0 < retry_after(response) <= 24 * 3600
        assert "New accounts can include at most 2 links in a post." in form_alert(response)
    assert snapshot() == before


def test_three_links_are_fine_once_the_account_is_a_day_old(client_for, regular, open_thread):
    body = "Visit https://one.example, https://two.example and https://three.example now."

    assert reply_to(client_for(regular), open_thread, body).status_code == 302


def test_a_new_account_may_quote_posts_the_links_back_to_them_are_not_counted(
    client_for, newcomer, open_thread, make_member
):
    others = [make_member(f"quoted{n}", date_joined=timezone.now() - timedelta(days=90)) for n in range(3)]
    with limits.exempt():
        posts = [services.post_reply(thread=open_thread, author=o, body=f"Point {n}") for n, o in enumerate(others)]
    body = "".join(f"> @{p.author.username} [wrote](/p/{p.pk}/):\n> Point {n}\n\n" for n, p in enumerate(posts))

    response = reply_to(client_for(newcomer), open_thread, body + "I agree with all three.")

    assert response.status_code == 302


# The cooldown between posts ------------------------------------------------------------------------


def test_a_new_account_waits_thirty_seconds_between_posts(client_for, newcomer, open_thread):
    browser = client_for(newcomer)
    assert reply_to(browser, open_thread, "First").status_code == 302
    before = snapshot()

    response = reply_to(browser, open_thread, "Second, too soon")

    assert response.status_code == 429
    assert 25 <= retry_after(response) <= 30
    assert "Please wait" in form_alert(response)
    assert "seconds before posting again." in form_alert(response)
    assert snapshot() == before
    wait_over(newcomer)
    assert reply_to(browser, open_thread, "Second, later").status_code == 302


def test_everyone_waits_five_seconds_between_posts(client_for, regular, open_thread, discussion):
    browser = client_for(regular)
    assert reply_to(browser, open_thread, "First").status_code == 302
    before = snapshot()

    replied = reply_to(browser, open_thread, "Second, too soon")
    started = new_thread(browser, discussion, 1)

    for response in (replied, started):
        assert response.status_code == 429
        assert 1 <= retry_after(response) <= 5
    assert snapshot() == before


def test_the_cooldown_is_per_member(client_for, regular, newcomer, open_thread):
    assert reply_to(client_for(regular), open_thread, "Mine").status_code == 302

    assert reply_to(client_for(newcomer), open_thread, "Mine too").status_code == 302


def test_a_post_refused_by_the_cooldown_does_not_use_up_the_new_account_quota(client_for, newcomer, discussion):
    browser = client_for(newcomer)
    assert new_thread(browser, discussion, 1).status_code == 302
    for n in range(5):
        assert new_thread(browser, discussion, 10 + n).status_code == 429  # too soon: nothing posted

    wait_over(newcomer)
    assert new_thread(browser, discussion, 2).status_code == 302
    wait_over(newcomer)
    assert new_thread(browser, discussion, 3).status_code == 302
    assert Thread.objects.filter(author=newcomer).count() == 3


def test_a_post_refused_by_a_quota_does_not_start_a_cooldown(client_for, newcomer, discussion, open_thread):
    browser = client_for(newcomer)
    for n in range(3):
        assert new_thread(browser, discussion, n).status_code == 302
        wait_over(newcomer)
    assert new_thread(browser, discussion, 4).status_code == 429

    assert reply_to(browser, open_thread, "A reply is still allowed").status_code == 302


# Threads a day ----------------------------------------------------------------------------------


def test_an_older_account_starts_twenty_threads_a_day_and_the_twenty_first_is_refused(client_for, regular, discussion):
    browser = client_for(regular)
    for n in range(20):
        assert new_thread(browser, discussion, n).status_code == 302, n
        wait_over(regular)
    before = snapshot()

    response = new_thread(browser, discussion, 21)

    assert response.status_code == 429
    assert 0 < retry_after(response) <= 24 * 3600
    assert "You can start 20 threads a day. Please continue tomorrow." in form_alert(response)
    assert snapshot() == before


def test_retry_after_is_the_time_left_in_the_day_not_the_whole_day(client_for, regular, discussion, monkeypatch):
    browser = client_for(regular)
    for n in range(20):
        assert new_thread(browser, discussion, n).status_code == 302, n
        wait_over(regular)
    two_hours_later = time.time() + 2 * 3600
    monkeypatch.setattr(web_limits, "time", SimpleNamespace(time=lambda: two_hours_later))

    response = new_thread(browser, discussion, 21)

    assert response.status_code == 429
    assert 22 * 3600 - 60 <= retry_after(response) <= 22 * 3600


def test_replies_do_not_count_towards_the_threads_a_day(regular, open_thread, discussion):
    for n in range(25):
        services.post_reply(thread=open_thread, author=regular, body=f"Reply {n}")
        wait_over(regular)

    thread = services.start_thread(category=discussion, author=regular, title="Still allowed to start", body="Yes")

    assert thread.pk is not None
    assert thread.author == regular


# What the refusal looks like ----------------------------------------------------------------------


def test_the_refused_form_keeps_what_the_member_wrote(client_for, regular, open_thread):
    browser = client_for(regular)
    reply_to(browser, open_thread, "First")

    response = reply_to(browser, open_thread, "My carefully written second reply")

    page = parse_html(response.content)
    assert page.find("div", class_="form-errors").get("role") == "alert"
    assert "My carefully written second reply" in page.find("textarea").text


def test_the_service_raises_rate_limited_and_writes_nothing(regular, open_thread):
    services.post_reply(thread=open_thread, author=regular, body="First")
    before = snapshot()

    with pytest.raises(RateLimited) as refused:
        services.post_reply(thread=open_thread, author=regular, body="Second")

    assert 1 <= refused.value.retry_after <= 5
    assert snapshot() == before


# Who is exempt ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "moderator", "admin"])
def test_staff_moderators_and_admins_are_exempt(client_for, make_member, discussion, open_thread, role):
    person = make_member(
        f"new-{role}",
        staff=role == "staff",
        title="Acme Support" if role == "staff" else "",
        moderator=role == "moderator",
        admin=role == "admin",
    )
    browser = client_for(person)
    links = "See https://one.example, https://two.example and https://three.example."

    for n in range(5):
        assert new_thread(browser, discussion, n, body=links).status_code == 302, n
    for n in range(12):
        assert reply_to(browser, open_thread, f"{links} Reply {n}").status_code == 302, n

    assert Thread.objects.filter(author=person).count() == 5


def test_brand_staff_with_the_moderator_role_are_exempt_too(client_for, make_member, open_thread):
    both = make_member("both", staff=True, title="Acme Support", moderator=True)
    browser = client_for(both)

    assert reply_to(browser, open_thread, "One").status_code == 302
    assert reply_to(browser, open_thread, "Two").status_code == 302


def test_without_posting_limits_nobody_is_limited(settings, client_for, newcomer, open_thread):
    settings.POSTING_LIMITS = False
    browser = client_for(newcomer)

    for n in range(12):
        assert reply_to(browser, open_thread, f"Reply {n}").status_code == 302


# Across processes, in the shared cache -------------------------------------------------------------


CHILD = """
import sys
from datetime import timedelta

import django

django.setup()

from django.utils import timezone

from forum.errors import RateLimited
from moderation.limits import check_post


class Someone:
    "What check_post reads of a member: a regular member, joined a month ago."

    pk = int(sys.argv[1])
    date_joined = timezone.now() - timedelta(days=30)
    is_brand_staff = is_moderator = is_superuser = False
    is_authenticated = is_active = True


print("ready", flush=True)
sys.stdin.readline()
try:
    check_post(Someone(), "reply", "Hello from another process")
except RateLimited as refused:
    print(f"limited {refused.retry_after}", flush=True)
else:
    print("posted", flush=True)
"""


def _redis_answers() -> bool:
    if not settings.REDIS_URL:
        return False
    try:
        cache.set("limits-ping", 1, timeout=5)
        return cache.get("limits-ping") == 1
    except Exception:
        return False


def _children(member_id: int, count: int) -> list[subprocess.Popen]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        REDIS_URL=settings.REDIS_URL,
        CACHE_PREFIX=settings.CACHES["default"]["KEY_PREFIX"],  # the test's own cache: it can look too
        SECRET_KEY="test-only-not-secret",
        POSTING_LIMITS="true",
        POST_COOLDOWN="5",
        PYTHONUNBUFFERED="1",
    )
    return [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(member_id)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]


@pytest.mark.redis
def test_the_cooldown_holds_across_processes_sharing_redis():
    require_service("Redis", _redis_answers(), "set REDIS_URL=redis://127.0.0.1:6379/4")
    member_id = 10**9 + secrets.randbelow(10**6)
    children = _children(member_id, 2)
    try:
        for child in children:
            ready = child.stdout.readline().strip()
            assert ready == "ready", child.stderr.read()
        for child in children:  # both go at once
            child.stdin.write("go\n")
            child.stdin.flush()
        answers = sorted(child.communicate(timeout=60)[0].strip() for child in children)
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()

    assert answers[1] == "posted", answers
    assert answers[0].startswith("limited "), answers
    assert 1 <= int(answers[0].split()[1]) <= 5
    # This process shares the cache too: the member must wait here as well.
    assert cache.get(f"limit:cooldown:{member_id}") is not None
