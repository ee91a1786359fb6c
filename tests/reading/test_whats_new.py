"""What is new for a member on the forum's lists and thread pages: "New" threads, unread replies,
the first unread reply, where "new since your last visit" starts, the filters and "mark all as read"."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forum import services as forum
from forum.models import Post, Thread
from reading.models import ReadState
from tests.reading.clients import as_

pytestmark = pytest.mark.django_db


reader = as_


@pytest.fixture
def read_thread(make_thread, discussion, other_member, carol):
    return make_thread(
        category=discussion,
        author=other_member,
        title="Pairing the hub with the app",
        replies=[(carol, "Hold the button."), (other_member, "Which one?")],
    )


@pytest.fixture
def fresh_thread(make_thread, discussion, carol):
    return make_thread(category=discussion, author=carol, title="The dimmer hums at night")


def last_post(thread):
    return Post.objects.filter(thread=thread).order_by("-created_at", "-id").first()


def row(html: str, title: str) -> str:
    """The list row of the thread with this title."""
    start = html.index(title)
    return html[html.rindex("<li", 0, start) : html.index("</li>", start)]


def test_a_thread_never_opened_is_new_and_its_link_is_the_thread(member, fresh_thread):
    html = reader(member).get("/").content.decode()

    mine = row(html, "The dimmer hums at night")
    assert "New" in mine and "unread" not in mine
    assert f'href="{fresh_thread.get_absolute_url()}"' in mine


def test_replies_after_a_visit_are_counted_and_the_link_goes_to_the_first_unread(member, read_thread, carol, report):
    client = reader(member)
    report(client, last_post(read_thread))
    forum.post_reply(thread=read_thread, author=carol, body="The one at the back.")
    forum.post_reply(thread=read_thread, author=carol, body="Hold it for five seconds.")

    mine = row(client.get("/").content.decode(), "Pairing the hub with the app")

    assert "2 unread replies" in mine and "New" not in mine
    unread_url = f"{read_thread.get_absolute_url()}unread/"
    assert f'href="{unread_url}"' in mine
    first_new = Post.objects.get(body="The one at the back.")
    assert client.get(unread_url)["Location"] == f"{read_thread.get_absolute_url()}#post-{first_new.pk}"


def test_a_thread_read_to_its_end_shows_no_mark(member, read_thread, report):
    client = reader(member)
    report(client, last_post(read_thread))

    mine = row(client.get("/").content.decode(), "Pairing the hub with the app")

    assert "New" not in mine and "unread" not in mine


def test_ones_own_thread_is_never_new_to_oneself(make_thread, discussion, member):
    make_thread(category=discussion, author=member, title="My own question about colours")

    mine = row(reader(member).get("/").content.decode(), "My own question about colours")

    assert "New" not in mine


def test_a_thread_older_than_the_new_window_is_not_new(member, fresh_thread, settings):
    Thread.objects.filter(pk=fresh_thread.pk).update(created_at=timezone.now() - timedelta(days=15))

    mine = row(reader(member).get("/").content.decode(), "The dimmer hums at night")

    assert "New" not in mine


def test_a_visitor_sees_neither_marks_nor_member_filters(client, fresh_thread):
    html = client.get("/").content.decode()

    assert "badge-new" not in html and "?filter=new" not in html
    assert "\x00" not in html


def test_the_unread_link_of_a_visitor_or_of_a_thread_never_read_is_the_thread(client, member, read_thread):
    url = f"{read_thread.get_absolute_url()}unread/"

    assert client.get(url)["Location"] == read_thread.get_absolute_url()
    assert reader(member).get(url)["Location"] == read_thread.get_absolute_url()


def test_the_unread_link_of_a_staff_only_thread_is_a_404_for_a_member(
    member, make_thread, staff_category, staff_member
):
    hidden = make_thread(category=staff_category, author=staff_member)

    assert reader(member).get(f"{hidden.get_absolute_url()}unread/").status_code == 404


@pytest.mark.parametrize("where", ["/", "/c/general/"])
def test_the_new_filter_lists_only_threads_never_opened(member, read_thread, fresh_thread, report, where):
    client = reader(member)
    report(client, last_post(read_thread))

    html = client.get(f"{where}?filter=new").content.decode()

    assert "The dimmer hums at night" in html
    assert "Pairing the hub with the app" not in html
    assert 'href="?filter=new" aria-current="page"' in html


@pytest.mark.parametrize("where", ["/", "/c/general/"])
def test_the_unread_filter_lists_only_threads_with_replies_since_the_members_visit(
    member, read_thread, fresh_thread, carol, report, where
):
    client = reader(member)
    report(client, last_post(read_thread))
    forum.post_reply(thread=read_thread, author=carol, body="The one at the back.")

    html = client.get(f"{where}?filter=unread").content.decode()

    assert "Pairing the hub with the app" in html
    assert "The dimmer hums at night" not in html


def test_an_empty_filter_says_the_member_is_up_to_date(member):
    html = reader(member).get("/?filter=unread").content.decode()

    assert "You are up to date" in html


def test_a_visitor_asking_for_a_members_filter_gets_the_latest_threads(client, read_thread):
    html = client.get("/?filter=unread").content.decode()

    assert "Pairing the hub with the app" in html


def test_the_thread_page_marks_where_new_since_the_last_visit_starts(member, read_thread, carol, report):
    client = reader(member)
    report(client, last_post(read_thread))
    first_new = forum.post_reply(thread=read_thread, author=carol, body="The one at the back.")
    forum.post_reply(thread=read_thread, author=carol, body="Hold it for five seconds.")

    html = client.get(read_thread.get_absolute_url()).content.decode()

    marker = html.index('id="new-since"')
    assert html.index("Which one?") < marker < html.index(f'id="post-{first_new.pk}"')
    assert html.count('id="new-since"') == 1
    assert "2 new replies since your last visit" in html
    assert "\x00" not in html


def test_the_first_visit_and_a_thread_read_to_its_end_have_no_marker(member, read_thread, report):
    client = reader(member)
    assert 'id="new-since"' not in client.get(read_thread.get_absolute_url()).content.decode()

    report(client, last_post(read_thread))

    html = client.get(read_thread.get_absolute_url()).content.decode()
    assert 'id="new-since"' not in html and "since your last visit" not in html


def test_mark_all_as_read_clears_the_categorys_new_and_unread_threads(member, read_thread, fresh_thread, carol, report):
    client = reader(member)
    report(client, last_post(read_thread))
    forum.post_reply(thread=read_thread, author=carol, body="The one at the back.")

    response = client.post("/c/general/read/", follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Every thread in General is marked as read." in html
    assert "badge-new" not in html and "badge-unread" not in html
    assert client.get("/?filter=unread").content.decode().count('class="thread-row') == 0
    assert client.get("/?filter=new").content.decode().count('class="thread-row') == 0


def test_mark_all_as_read_touches_only_that_category(member, fresh_thread, make_thread, questions, carol):
    elsewhere = make_thread(category=questions, author=carol, title="A question elsewhere")

    reader(member).post("/c/general/read/")

    assert ReadState.objects.filter(member=member, thread=fresh_thread).exists()
    assert not ReadState.objects.filter(member=member, thread=elsewhere).exists()


def test_mark_all_as_read_is_a_post_for_members_of_categories_they_may_read(client, member, staff_category):
    assert client.post("/c/general/read/").status_code == 302  # to log in
    assert reader(member).get("/c/general/read/").status_code == 405
    assert reader(member).post(f"/c/{staff_category.slug}/read/").status_code == 404
    assert reader(member).post("/c/no-such-category/read/").status_code == 404


def test_the_category_page_offers_mark_all_as_read_to_members_only(client, member, discussion):
    assert "Mark all as read" not in client.get("/c/general/").content.decode()
    assert "Mark all as read" in reader(member).get("/c/general/").content.decode()


def test_the_marks_and_filters_speak_french(member, read_thread, fresh_thread, carol, report):
    client = reader(member)
    report(client, last_post(read_thread))
    forum.post_reply(thread=read_thread, author=carol, body="Celui de derrière.")

    html = client.get("/c/general/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Nouvelle" in html and "1 réponse non lue" in html
    assert ">Non lues</a>" in html and ">Nouvelles</a>" in html
    assert "Tout marquer comme lu" in html
