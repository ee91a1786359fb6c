"""Watching a category or a tag: a notification per new thread (watching), counts on the home
page (tracking), its threads out of the latest list (muted); never a staff-only thread for a
member who may not read it."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from forum import services as forum
from notifications.models import Kind, Notification, Preference
from profiles.services import grant_role
from reading import watching
from reading.models import Watch
from tests.reading.clients import as_

pytestmark = pytest.mark.django_db


def watched_news(member):
    return Notification.objects.filter(recipient=member, kind=Kind.WATCHED_THREAD)


def test_a_member_watches_a_category_from_its_page(member, discussion):
    client = as_(member)

    response = client.post("/watch/", {"category": "general", "level": "watching"}, follow=True)

    assert response.status_code == 200
    assert Watch.objects.get(member=member, category=discussion).level == "watching"
    html = response.content.decode()
    assert "Saved: General is now “Watching” for you." in html
    assert '<option value="watching" selected>' in html


def test_watching_a_category_tells_of_each_new_thread(member, other_member, discussion, make_thread):
    watching.set_watch(member=member, level="watching", category=discussion)

    thread = make_thread(category=discussion, author=other_member, title="The new colour range")

    told = watched_news(member).get()
    assert told.thread == thread and told.actor == other_member
    assert "started “The new colour range”" in as_(member).get("/notifications/").content.decode()


def test_watching_a_tag_tells_of_each_new_thread_with_it(member, other_member, discussion, questions, make_thread):
    forum_thread = make_thread(category=questions, author=other_member, tags=["wifi"])
    tag = forum_thread.tags.get()
    watching.set_watch(member=member, level="watching", tag=tag)

    make_thread(category=discussion, author=other_member, tags=["wifi", "hub"])
    make_thread(category=discussion, author=other_member, tags=["hub"])

    assert watched_news(member).count() == 1


def test_tracking_or_muting_tells_nothing(member, other_member, discussion, questions, make_thread):
    watching.set_watch(member=member, level="tracking", category=discussion)
    watching.set_watch(member=member, level="muted", category=questions)

    make_thread(category=discussion, author=other_member)
    make_thread(category=questions, author=other_member)

    assert not watched_news(member).exists()


def test_a_member_who_muted_the_category_is_not_told_of_a_thread_with_a_watched_tag(
    member, other_member, discussion, make_thread
):
    tag = make_thread(category=discussion, author=other_member, tags=["wifi"]).tags.get()
    watching.set_watch(member=member, level="watching", tag=tag)
    watching.set_watch(member=member, level="muted", category=discussion)

    make_thread(category=discussion, author=other_member, tags=["wifi"])

    assert not watched_news(member).exists()


def test_ones_own_new_thread_tells_oneself_nothing(member, discussion, make_thread):
    watching.set_watch(member=member, level="watching", category=discussion)

    make_thread(category=discussion, author=member)

    assert not watched_news(member).exists()


def test_the_kind_has_a_preference_and_turned_off_tells_nothing(member, other_member, discussion, make_thread):
    assert (
        "New threads in categories and tags you watch"
        in as_(member).get("/notifications/preferences/").content.decode()
    )
    Preference.objects.create(member=member, kind=Kind.WATCHED_THREAD, on_site=False)
    watching.set_watch(member=member, level="watching", category=discussion)

    make_thread(category=discussion, author=other_member)

    assert not watched_news(member).exists()


def test_a_tag_watched_on_a_staff_only_thread_tells_a_member_nothing(
    member, other_member, staff_member, discussion, staff_category, make_thread
):
    tag = make_thread(category=discussion, author=other_member, tags=["roadmap"]).tags.get()
    watching.set_watch(member=member, level="watching", tag=tag)

    make_thread(category=staff_category, author=staff_member, tags=["roadmap"])

    assert not watched_news(member).exists()


def test_a_staff_member_watching_a_staff_only_category_is_told(moderator, staff_member, staff_category, make_thread):
    watching.set_watch(member=moderator, level="watching", category=staff_category)

    make_thread(category=staff_category, author=staff_member)

    assert watched_news(moderator).count() == 1


def test_a_member_cannot_watch_a_staff_only_category_or_a_tag_only_staff_threads_carry(
    member, staff_member, staff_category, make_thread
):
    make_thread(category=staff_category, author=staff_member, tags=["secret-plans"])
    client = as_(member)

    assert client.post("/watch/", {"category": staff_category.slug, "level": "watching"}).status_code == 404
    assert client.post("/watch/", {"tag": "secret-plans", "level": "watching"}).status_code == 404
    assert client.post("/watch/", {"tag": "never-used", "level": "watching"}).status_code == 404
    assert not Watch.objects.filter(member=member).exists()


@pytest.mark.parametrize(
    "data", [{"category": "general", "level": "loudly"}, {"level": "watching"}, {"category": "general"}]
)
def test_a_malformed_watch_is_a_400_and_writes_nothing(member, discussion, data):
    assert as_(member).post("/watch/", data).status_code == 400
    assert not Watch.objects.exists()


def test_watching_is_for_members_and_by_post(client, member, discussion):
    assert client.post("/watch/", {"category": "general", "level": "muted"}).status_code == 302
    assert as_(member).get("/watch/").status_code == 405
    assert not Watch.objects.exists()


def test_back_to_normal_removes_the_watch(member, discussion):
    watching.set_watch(member=member, level="muted", category=discussion)

    as_(member).post("/watch/", {"category": "general", "level": "normal"})

    assert not Watch.objects.filter(member=member).exists()


def test_a_muted_category_leaves_the_latest_list_but_not_its_own_page(
    member, other_member, discussion, questions, make_thread
):
    make_thread(category=discussion, author=other_member, title="Chatting about lamps")
    make_thread(category=questions, author=other_member, title="How do I pair it?")
    client = as_(member)
    client.post("/watch/", {"category": "general", "level": "muted"})

    home = client.get("/").content.decode()
    assert "Chatting about lamps" not in home and "How do I pair it?" in home
    assert "Chatting about lamps" in client.get("/c/general/").content.decode()
    assert "Chatting about lamps" in Client().get("/").content.decode()  # for no one else


def test_a_muted_tag_leaves_the_latest_list(member, other_member, discussion, make_thread):
    make_thread(category=discussion, author=other_member, title="Firmware 2.1 is out", tags=["firmware"])
    make_thread(category=discussion, author=other_member, title="Show your desk setup")
    client = as_(member)
    client.post("/watch/", {"tag": "firmware", "level": "muted"})

    home = client.get("/").content.decode()

    assert "Firmware 2.1 is out" not in home and "Show your desk setup" in home


def test_a_tracked_category_shows_its_new_and_unread_counts_on_the_home_page(
    member, other_member, discussion, make_thread
):
    make_thread(category=discussion, author=other_member)
    make_thread(category=discussion, author=other_member)
    client = as_(member)
    assert "What you track" not in client.get("/").content.decode()

    client.post("/watch/", {"category": "general", "level": "tracking"})

    html = client.get("/").content.decode()
    assert "What you track" in html and "2 new" in html


def test_tracked_counts_leave_out_what_the_member_may_not_read(
    member, staff_member, other_member, discussion, staff_category, make_thread
):
    tag = make_thread(category=discussion, author=other_member, tags=["roadmap"]).tags.get()
    watching.set_watch(member=member, level="tracking", tag=tag)
    for _ in range(3):
        make_thread(category=staff_category, author=staff_member, tags=["roadmap"])

    html = as_(member).get("/").content.decode()

    assert "#roadmap" in html and "1 new" in html and "3 new" not in html and "4 new" not in html


def test_the_watch_form_is_for_members_only(client, member, discussion, make_thread, other_member):
    make_thread(category=discussion, author=other_member, tags=["hub"])

    assert 'name="level"' not in client.get("/c/general/").content.decode()
    assert 'name="level"' not in client.get("/tags/hub/").content.decode()
    assert 'name="level"' in as_(member).get("/c/general/").content.decode()
    assert 'name="level"' in as_(member).get("/tags/hub/").content.decode()


def test_members_sharing_a_category_page_each_see_their_own_level(settings, member, other_member, discussion):
    settings.PAGE_CACHE = True
    watching.set_watch(member=member, level="watching", category=discussion)
    first = as_(member).get("/c/general/").content.decode()

    second = as_(other_member).get("/c/general/")

    assert '<option value="watching" selected>' in first
    assert second.get("X-Page-Cache") == "hit"
    assert '<option value="normal" selected>' in second.content.decode()


def test_a_member_with_something_muted_gets_a_home_page_of_their_own(settings, member, other_member, discussion):
    settings.PAGE_CACHE = True
    watching.set_watch(member=member, level="muted", category=discussion)
    as_(member).get("/")

    assert as_(other_member).get("/").get("X-Page-Cache") != "hit"


def test_a_reply_in_a_watched_category_is_not_a_new_thread(member, other_member, discussion, make_thread):
    thread = make_thread(category=discussion, author=other_member)
    watching.set_watch(member=member, level="watching", category=discussion)

    forum.post_reply(thread=thread, author=other_member, body="Bump.")

    assert not watched_news(member).exists()


def tracked_box(client) -> str:
    html = client.get("/").content.decode()
    start = html.find('id="tracked-heading"')
    return html[start : html.find("</section>", start)] if start >= 0 else ""


def test_tracked_counts_are_kept_until_something_they_count_changes(member, other_member, discussion, make_thread):
    make_thread(category=discussion, author=other_member)
    watching.set_watch(member=member, level="tracking", category=discussion)
    client = as_(member)
    assert "1 new" in tracked_box(client)

    with CaptureQueriesContext(connection) as counted:
        tracked_box(client)
    assert not [q for q in counted.captured_queries if "COUNT(DISTINCT" in q["sql"]]

    make_thread(category=discussion, author=other_member)
    assert "2 new" in tracked_box(client)


def test_reading_a_tracked_thread_counts_it_again(member, other_member, discussion, make_thread, report):
    thread = make_thread(category=discussion, author=other_member)
    watching.set_watch(member=member, level="tracking", category=discussion)
    client = as_(member)
    assert "1 new" in tracked_box(client)

    report(client, thread.posts.get())

    assert "What you track" not in client.get("/").content.decode()


def test_marking_a_tracked_category_read_counts_it_again(member, other_member, discussion, make_thread):
    make_thread(category=discussion, author=other_member)
    watching.set_watch(member=member, level="tracking", category=discussion)
    client = as_(member)
    assert "1 new" in tracked_box(client)

    client.post("/c/general/read/")

    assert "What you track" not in client.get("/").content.decode()


def test_kept_counts_of_a_staff_category_go_with_the_staff_role(staff_member, moderator, staff_category, make_thread):
    make_thread(category=staff_category, author=moderator, title="Escalations this week")
    watching.set_watch(member=staff_member, level="tracking", category=staff_category)
    client = as_(staff_member)
    assert "Staff room" in tracked_box(client)

    grant_role(member=staff_member, role="member")

    assert "Staff room" not in client.get("/").content.decode()
