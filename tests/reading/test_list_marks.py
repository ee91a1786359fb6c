"""What a list asks when a reply comes to one of its threads (reading.views.marks): the reader's
marks of those threads as the list renders them, the home page's tracked counts, nothing of a
thread they may not read; and the list pages that carry what the script needs."""

import html
import json
import re

import pytest

from forum import services as forum
from reading import watching
from tests.reading.clients import as_

pytestmark = pytest.mark.django_db


@pytest.fixture
def threads(make_thread, discussion, staff_category, member, other_member, staff_member):
    read = make_thread(category=discussion, author=member, title="Pairing the lamp")  # her own: read
    new = make_thread(category=discussion, author=other_member, title="Dimming at night", tags=("lamp",))
    staff = make_thread(category=staff_category, author=staff_member, title="Launch date")
    forum.post_reply(thread=read, author=other_member, body="Hold the button.")
    return {"read": read, "new": new, "staff": staff}


def marks(client, *threads, extra=""):
    return client.get("/reading/marks/?" + "&".join(f"thread={t.pk}" for t in threads) + extra)


def test_the_marks_are_the_lists_own_for_the_threads_the_reader_may_read(
    threads, member, django_assert_max_num_queries
):
    client = as_(member)
    client.get("/")  # the session and the member's reads warm, as on an open list

    with django_assert_max_num_queries(4):
        rows = marks(client, *threads.values()).json()["rows"]

    read, new = threads["read"], threads["new"]
    assert set(rows) == {str(read.pk), str(new.pk)}
    assert rows[str(read.pk)] == {
        "href": f"{read.get_absolute_url()}unread/",
        "mark": f' <a class="badge badge-unread" href="{read.get_absolute_url()}unread/">1 unread reply</a>',
    }
    assert "New" in rows[str(new.pk)]["mark"] and rows[str(new.pk)]["href"] == new.get_absolute_url()


def test_staff_get_the_marks_of_a_staff_only_thread(threads, moderator):
    rows = marks(as_(moderator), threads["staff"]).json()["rows"]

    assert "badge-new" in rows[str(threads["staff"].pk)]["mark"]


def test_the_home_pages_tracked_counts_come_along_when_asked(threads, member, discussion):
    watching.set_watch(member=member, level="tracking", category=discussion)

    data = marks(as_(member), threads["read"], extra="&tracked=1").json()

    assert "What you track" in data["tracked"] and "1 new" in data["tracked"] and "1 unread" in data["tracked"]
    assert "tracked" not in marks(as_(member), threads["read"]).json()


def test_a_visitor_is_refused_and_bad_input_is_a_400(client, threads, member):
    assert marks(client, threads["new"]).status_code == 403
    for query in ("", "thread=x", "thread=-1", f"thread={10**30}", "&".join(f"thread={n}" for n in range(1, 120))):
        assert as_(member).get(f"/reading/marks/?{query}").status_code == 400, query


def test_a_members_list_pages_name_their_rows_for_the_script_and_a_visitors_has_no_script(
    client, threads, member, discussion
):
    for url in ("/", discussion.get_absolute_url(), "/?filter=unread", "/?filter=new"):
        html = as_(member).get(url).content.decode()
        assert "js/marks.js" in html and "data-marks-url=" in html, url
    assert f'data-row="{threads["new"].pk}"' in html
    assert "js/marks.js" not in client.get("/").content.decode()


def attribute(page: str, name: str):
    found = re.search(rf'{name}="([^"]*)"', page)
    return json.loads(html.unescape(found.group(1))) if found else None


@pytest.mark.parametrize(
    ("url", "shows"),
    [
        ("/", {"home": True}),
        ("/?filter=new", {"home": True}),
        ("/?filter=unread", None),  # a new thread is not unread
        ("/c/general/", "category"),
        ("/c/general/?filter=unanswered", "category"),
        ("/c/general/?filter=top", None),  # nor first among the top threads
        ("/tags/lamp/", {"tag": "lamp"}),
    ],
)
def test_a_members_list_tells_its_script_of_which_new_threads_to_hear_where_they_would_come_first(
    client, threads, member, discussion, url, shows
):
    page = as_(member).get(url).content.decode()

    assert attribute(page, "data-new-threads") == ({"category": discussion.pk} if shows == "category" else shows)
    if shows:
        assert 'aria-live="polite"' in page and "1 new thread — show" in page
    assert "data-new-threads" not in client.get(url).content.decode()  # a visitor has no socket


def test_the_home_page_names_what_the_member_muted_so_that_its_new_threads_are_not_counted(threads, member, discussion):
    assert attribute(as_(member).get("/").content.decode(), "data-muted") == {"categories": [], "tags": []}
    watching.set_watch(member=member, level="muted", category=discussion)

    assert attribute(as_(member).get("/").content.decode(), "data-muted") == {
        "categories": [discussion.pk],
        "tags": [],
    }
    page = as_(member).get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "%(count)s nouvelles discussions — afficher" in html.unescape(page)
