"""Access is checked at delivery across processes: two daphne processes, one Redis, one database.

The scenarios of test_access_on_delivery.py, over the wire: for each class of change, two
sockets on process B are opened before it (the one that must still receive and the one that
must not); the change is made through process A (the moderator's forms, allauth's log-out
and password change over HTTP; a role change by a `manage.py shell` script, a third process,
as an operator would); then a reply is posted through A's reply form.

One cluster for the module (test_cross_process.running_cluster), on Redis databases 4 (or 3
when the outer REDIS_URL is on 4); each test makes its own members and thread.
"""

import asyncio
import re
import time
from html import unescape

import pytest

from notifications.consumers import CLOSE_ACCESS_CHANGED, CLOSE_SESSION_ENDED
from tests.notifications.test_cross_process import (
    DELIVERY_TIMEOUT,
    PASSWORD,
    Browser,
    Cluster,
    article_as,
    receive_types,
    running_cluster,
    subscribe,
)
from tests.notifications.ws_client import Socket

pytestmark = pytest.mark.redis

CLOSE_WITHIN = 1.0  # seconds from the change to the socket's close (the bound)
QUIET_SECONDS = 0.5  # how long a socket is watched for a message that must not come

SETUP = """
import json
from forum.models import Category

Category.objects.create(slug="general", name="General")
Category.objects.create(slug="staff-room", name="Staff room", access=Category.Access.STAFF)
print(json.dumps({}))
"""

# Everyone a test needs, made fresh for it (usernames end with a tag of its own), and one thread.
CAST = """
import json, secrets
from allauth.account.models import EmailAddress
from forum import services
from forum.models import Category
from profiles.models import Member

tag = secrets.token_hex(3)

def member(role, **flags):
    username = f"{role}{tag}"
    m = Member.objects.create_user(username=username, email=f"{username}@example.com", password=%(password)r,
                                   display_name=f"{role.title()} {tag}", **flags)
    EmailAddress.objects.create(user=m, email=m.email, verified=True, primary=True)
    return m

people = {
    "author": member("author"),
    "reader": member("reader"),
    "staff": member("staff", is_brand_staff=True),
    "colleague": member("colleague", is_brand_staff=True),
    "moderator": member("moderator", is_moderator=True),
}
thread = services.start_thread(category=Category.objects.get(slug=%(category)r), author=people[%(author)r],
                               title=f"%(title)s ({tag})", body="It blinks twice, then stops.")
print(json.dumps({
    "people": {role: m.username for role, m in people.items()},
    "thread": thread.pk,
    "path": thread.get_absolute_url(),
    "title": thread.title,
    "opening": thread.posts.get(is_opening=True).pk,
}))
"""

REMOVE_STAFF_ROLE = """
import json, time
from profiles.models import Member
from profiles.services import grant_role

member = Member.objects.get(username=%(username)r)
grant_role(member=member, role="member")
print(json.dumps({"changed_at": time.time()}))
"""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with running_cluster(tmp_path_factory.mktemp("agora-access"), setup=SETUP, redis_databases=("4", "3")) as run:
        yield run


@pytest.fixture
def cast(cluster):
    """Make fresh members and a thread (in `category`, by `author`); returns what CAST prints."""

    def make(*, title: str, category: str = "general", author: str = "author") -> dict:
        return cluster.shell(CAST % {"password": PASSWORD, "category": category, "author": author, "title": title})

    return make


@pytest.fixture
async def on_b(cluster):
    """Open a socket to process B with a browser's session, subscribed to `thread` if given;
    each is closed at the end."""
    opened = []

    async def open_(browser: Browser, *, thread: int | None = None) -> Socket:
        socket = await Socket.open(cluster.b, headers={"Cookie": f"sessionid={browser.cookie('sessionid')}"})
        socket.session = browser.cookie("sessionid")  # to fetch what a live reply names, as this reader
        opened.append(socket)
        assert (await socket.receive())["type"] == "hello"
        if thread is not None:
            await subscribe(socket, thread)
        return socket

    yield open_
    for socket in opened:
        await socket.close()


# Helpers --------------------------------------------------------------------------------------


async def logged_in(base: str, username: str) -> Browser:
    """A browser of its own (so a session of its own), logged in on `base`."""
    return await asyncio.to_thread(lambda: Browser(base).log_in(username))


async def submit(browser: Browser, action: str, page: str, data: dict) -> str:
    """Post a form found on `page` as the browser would; the HTML it ends on."""
    status, url, html = await asyncio.to_thread(browser.post_form, action, page, data)
    assert status == 200 and "/accounts/login/" not in url, f"{action} ended at {url} with {status}"
    return html


async def reply(browser: Browser, thread_path: str, body: str):
    html = await submit(browser, f"{thread_path}reply/", thread_path, {"body": body})
    # As the page shows it: mentions are links.
    assert body in unescape(re.sub(r"<[^>]+>", "", html)), "the reply was not posted"


async def quiet_messages(socket: Socket, quiet: float = QUIET_SECONDS) -> list[dict]:
    """What arrives until nothing has for `quiet` seconds."""
    received = []
    while True:
        try:
            received.append(await socket.receive(timeout=quiet))
        except TimeoutError:
            return received


def close_clock(socket: Socket) -> list[float]:
    """Filled with the wall-clock time at which the server closes the socket."""
    closed_at = []
    socket.closed.add_done_callback(lambda _future: closed_at.append(time.time()))
    return closed_at


async def close_code(socket: Socket, closed_at: list[float], *, since: float, cluster: Cluster) -> int:
    """The code the socket was closed with, asserting it closed within CLOSE_WITHIN of `since`:
    the moment the change was done (an HTTP answer received, a service call returned). It may
    close before then: the push goes out when the change commits."""
    try:
        code, _reason = await asyncio.wait_for(asyncio.shield(socket.closed), DELIVERY_TIMEOUT)
    except TimeoutError:
        pytest.fail(f"the socket stayed open for {DELIVERY_TIMEOUT}s\n{cluster.log_text()}")
    await asyncio.sleep(0)  # let the done-callback record the time
    assert closed_at[0] - since <= CLOSE_WITHIN, f"closed {closed_at[0] - since:.2f}s after the change"
    return code


async def reply_reaches(socket: Socket, body: str, cluster: Cluster):
    found = await receive_types(socket, {"reply"}, cluster)
    assert body in await asyncio.to_thread(article_as, cluster.b, socket.session, found["reply"])


# Threads that change under open sockets -------------------------------------------------------


async def test_a_thread_moved_to_a_staff_only_category_stops_its_replies_reaching_members_on_another_process(
    cluster, cast, on_b
):
    made = await asyncio.to_thread(cast, title="Firmware 2.4 release notes")
    people, thread, path = made["people"], made["thread"], made["path"]
    member_socket = await on_b(await logged_in(cluster.a, people["reader"]), thread=thread)
    staff_socket = await on_b(await logged_in(cluster.a, people["staff"]), thread=thread)
    moderator = await logged_in(cluster.a, people["moderator"])

    await submit(moderator, f"/mod/thread/{thread}/move/", path, {"category": "staff-room", "reason": ""})
    assert await member_socket.receive(timeout=DELIVERY_TIMEOUT) == {"type": "unsubscribed", "thread": thread}

    await reply(moderator, path, "Internal: the fix ships on Tuesday.")

    await reply_reaches(staff_socket, "Internal: the fix ships on Tuesday.", cluster)
    assert await quiet_messages(member_socket) == []


async def test_a_thread_whose_opening_post_is_hidden_stops_its_replies_reaching_other_members_on_another_process(
    cluster, cast, on_b
):
    made = await asyncio.to_thread(cast, title="Cheap lamps here")
    people, thread, path = made["people"], made["thread"], made["path"]
    member_socket = await on_b(await logged_in(cluster.a, people["reader"]), thread=thread)
    moderator = await logged_in(cluster.a, people["moderator"])
    moderator_socket = await on_b(moderator, thread=thread)

    await submit(moderator, f"/mod/post/{made['opening']}/hide/", path, {"reason": "Spam"})
    assert await member_socket.receive(timeout=DELIVERY_TIMEOUT) == {"type": "unsubscribed", "thread": thread}

    await reply(moderator, path, "Checking the links before restoring.")

    await reply_reaches(moderator_socket, "Checking the links before restoring.", cluster)
    assert await quiet_messages(member_socket) == []


# Members whose access changes ------------------------------------------------------------------


async def test_a_member_whose_staff_role_is_removed_has_their_socket_on_another_process_closed_within_a_second(
    cluster, cast, on_b
):
    made = await asyncio.to_thread(cast, title="Pricing of the 2027 range", category="staff-room", author="colleague")
    people, thread, path = made["people"], made["thread"], made["path"]
    demoted = await logged_in(cluster.a, people["staff"])
    demoted_socket = await on_b(demoted, thread=thread)
    colleague_socket = await on_b(await logged_in(cluster.a, people["colleague"]), thread=thread)
    closed_at = close_clock(demoted_socket)

    changed = await asyncio.to_thread(cluster.shell, REMOVE_STAFF_ROLE % {"username": people["staff"]})

    assert await close_code(demoted_socket, closed_at, since=changed["changed_at"], cluster=cluster) == (
        CLOSE_ACCESS_CHANGED
    )
    await reply(await logged_in(cluster.a, people["moderator"]), path, "Prices go up in March.")
    await reply_reaches(colleague_socket, "Prices go up in March.", cluster)
    assert not colleague_socket.closed.done()
    assert [m for m in await quiet_messages(demoted_socket, quiet=0.01) if m["type"] == "reply"] == []

    # Connecting again (its session is still good), the former staff member may not subscribe.
    again = await on_b(demoted)
    again.send({"type": "subscribe", "thread": thread})
    assert await again.receive() == {"type": "error", "error": "not-allowed"}


# Sessions ---------------------------------------------------------------------------------------


async def test_logging_out_on_one_process_closes_that_sessions_socket_on_the_other_within_a_second(cluster, cast, on_b):
    made = await asyncio.to_thread(cast, title="Pairing with a phone")
    people, thread, path = made["people"], made["thread"], made["path"]
    laptop, phone = await logged_in(cluster.a, people["reader"]), await logged_in(cluster.a, people["reader"])
    laptop_socket = await on_b(laptop, thread=thread)
    phone_socket = await on_b(phone, thread=thread)
    closed_at, laptop_session = close_clock(laptop_socket), laptop.cookie("sessionid")

    await submit(laptop, "/accounts/logout/", "/accounts/logout/", {})

    assert await close_code(laptop_socket, closed_at, since=time.time(), cluster=cluster) == CLOSE_SESSION_ENDED
    await reply(await logged_in(cluster.a, people["author"]), path, "Still there on the phone?")
    await reply_reaches(phone_socket, "Still there on the phone?", cluster)
    assert not phone_socket.closed.done()
    with pytest.raises(ConnectionError, match="handshake refused"):  # the ended session opens nothing more
        await Socket.open(cluster.b, headers={"Cookie": f"sessionid={laptop_session}"})


async def test_a_password_change_on_one_process_closes_the_members_other_sessions_on_the_other(cluster, cast, on_b):
    made = await asyncio.to_thread(cast, title="Lamp schedules")
    people, thread, path = made["people"], made["thread"], made["path"]
    here, elsewhere = await logged_in(cluster.a, people["reader"]), await logged_in(cluster.a, people["reader"])
    elsewhere_socket = await on_b(elsewhere, thread=thread)
    bystander_socket = await on_b(await logged_in(cluster.a, people["staff"]), thread=thread)
    closed_at = close_clock(elsewhere_socket)

    new_password = "a-new-lamp-9000"
    await submit(
        here,
        "/accounts/password/change/",
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )

    assert await close_code(elsewhere_socket, closed_at, since=time.time(), cluster=cluster) == CLOSE_SESSION_ENDED
    await reply(await logged_in(cluster.a, people["author"]), path, "Schedules survive a reboot.")
    await reply_reaches(bystander_socket, "Schedules survive a reboot.", cluster)


# Notification rows read through the reader's access now ----------------------------------------


async def test_resume_on_another_process_leaves_out_a_notification_about_a_thread_that_became_staff_only(
    cluster, cast, on_b
):
    made = await asyncio.to_thread(cast, title="Recall of batch 7")
    people, thread, path = made["people"], made["thread"], made["path"]
    member_socket = await on_b(await logged_in(cluster.a, people["reader"]))
    staff_socket = await on_b(await logged_in(cluster.a, people["staff"]))
    mention = f"@{people['reader']} @{people['staff']} here is how."
    await reply(await logged_in(cluster.a, people["author"]), path, mention)  # while the thread is public
    for socket in (member_socket, staff_socket):
        await receive_types(socket, {"notification"}, cluster)
    moderator = await logged_in(cluster.a, people["moderator"])

    await submit(moderator, f"/mod/thread/{thread}/move/", path, {"category": "staff-room", "reason": ""})
    for socket in (member_socket, staff_socket):
        socket.send({"type": "resume", "after": 0})

    assert await quiet_messages(member_socket) == [{"type": "unread", "count": 0}]
    staff_received = [m for m in await quiet_messages(staff_socket) if m["type"] != "staff.queue"]
    assert [m["type"] for m in staff_received] == ["notification", "unread"]
    assert made["title"] in staff_received[0]["text"]
    assert staff_received[1]["count"] == 1
