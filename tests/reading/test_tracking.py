"""Reading is recorded from what pages report, a few seconds later, never on a page view."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum import services as forum
from forum.models import Post
from reading.models import ReadState
from reading.tracker import tracker

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(make_thread, discussion, other_member, carol):
    return make_thread(
        category=discussion,
        author=other_member,
        title="Which bulbs fit the desk lamp?",
        replies=[(carol, "The E14 ones."), (other_member, "Thanks!"), (carol, "You're welcome.")],
    )


def posts(thread):
    return list(Post.objects.filter(thread=thread).order_by("created_at", "id"))


def state(member, thread):
    return ReadState.objects.filter(member=member, thread=thread).first()


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}]


def test_a_reported_post_becomes_the_members_read_position(member_client, member, thread, report):
    second = posts(thread)[2]

    response = report(member_client, second)

    assert response.status_code == 204
    read = state(member, thread)
    assert (read.post_id, read.replies_read) == (second.pk, 2)


def test_reading_a_thread_page_writes_nothing(member_client, member, thread):
    with CaptureQueriesContext(connection) as queries:
        response = member_client.get(thread.get_absolute_url())

    assert response.status_code == 200
    assert writes(queries.captured_queries) == []
    assert not ReadState.objects.filter(member=member).exists()


def test_the_thread_page_carries_the_report_form_for_a_member_and_not_for_a_visitor(client, member, thread):
    assert b"data-reading-report" not in client.get(thread.get_absolute_url()).content

    client.force_login(member)
    html = client.get(thread.get_absolute_url()).content.decode()

    assert "data-reading-report" in html and 'name="csrfmiddlewaretoken"' in html


def test_a_visitors_report_is_refused_and_writes_nothing(client, thread, report):
    before = list(ReadState.objects.values_list("member", "post_id"))

    response = report(client, posts(thread)[1])

    assert response.status_code == 403
    assert list(ReadState.objects.values_list("member", "post_id")) == before


@pytest.mark.parametrize("data", [{}, {"thread": "x", "post": "1"}, {"thread": "1"}])
def test_a_malformed_report_is_a_400(member_client, member, data):
    response = member_client.post("/reading/seen/", data)

    assert response.status_code == 400
    assert not ReadState.objects.filter(member=member).exists()


def test_a_report_of_a_post_from_another_thread_is_a_404(
    member_client, member, thread, make_thread, discussion, carol, report
):
    elsewhere = make_thread(category=discussion, author=carol)

    response = report(member_client, posts(thread)[1], thread=elsewhere.pk)

    assert response.status_code == 404
    assert not ReadState.objects.filter(member=member).exists()


def test_a_report_on_a_staff_only_thread_is_a_404_for_a_member(
    member_client, member, make_thread, staff_category, staff_member, report
):
    hidden = make_thread(category=staff_category, author=staff_member)

    response = report(member_client, posts(hidden)[0])

    assert response.status_code == 404
    assert not ReadState.objects.filter(member=member).exists()


def test_reports_are_refused_on_a_get(member_client):
    assert member_client.get("/reading/seen/").status_code == 405


def test_reports_within_the_interval_coalesce_into_one_write_of_the_furthest_post(
    settings, member_client, member, thread, report
):
    settings.READING_FLUSH_SECONDS = 60
    first, second, third = posts(thread)[1:]
    report(member_client, first)  # the first report after a quiet spell is written at once
    assert state(member, thread).post_id == first.pk

    with CaptureQueriesContext(connection) as queries:
        report(member_client, third)
        report(member_client, second)
    assert writes(queries.captured_queries) == []
    assert tracker.pending() == {(member.pk, thread.pk): third.pk}

    tracker.flush()

    assert state(member, thread).post_id == third.pk
    assert tracker.pending() == {}


def test_a_position_never_moves_back(member_client, member, thread, report):
    first, _second, third = posts(thread)[1:]
    report(member_client, third)

    report(member_client, first)

    assert state(member, thread).post_id == third.pk


def test_posting_marks_the_thread_read_up_to_ones_own_post(member, thread):
    reply = forum.post_reply(thread=thread, author=member, body="Mine work with E14 too.")

    read = state(member, thread)
    assert (read.post_id, read.replies_read) == (reply.pk, 4)


def test_starting_a_thread_marks_it_read_for_its_author(make_thread, discussion, member):
    started = make_thread(category=discussion, author=member)

    assert state(member, started).replies_read == 0


@pytest.mark.parametrize(
    "url", ["/", "/?filter=new", "/?filter=unread", "/c/general/", "/following/", "/bookmarks/", "THREAD", "UNREAD"]
)
def test_no_page_of_a_member_writes_to_the_database_on_a_get(member_client, thread, url):
    url = {"THREAD": thread.get_absolute_url(), "UNREAD": f"{thread.get_absolute_url()}unread/"}.get(url, url)
    member_client.get(url)  # the caches warm

    with CaptureQueriesContext(connection) as queries:
        response = member_client.get(url)

    assert response.status_code in (200, 302)
    assert writes(queries.captured_queries) == []


def test_a_page_read_without_javascript_is_marked_read_with_its_button(member_client, member, thread):
    last = posts(thread)[-1]
    html = member_client.get(thread.get_absolute_url()).content.decode()
    scriptless = html[html.index("<noscript>") : html.index("</noscript>")]
    assert f'name="post" value="{last.pk}"' in scriptless and "Mark this page as read" in scriptless

    response = member_client.post(
        "/reading/seen/", {"thread": thread.pk, "post": last.pk, "next": thread.get_absolute_url()}, follow=True
    )

    assert response.redirect_chain[0] == (thread.get_absolute_url(), 302)
    assert "Marked as read up to here." in response.content.decode()
    assert state(member, thread).post_id == last.pk


def test_the_buttons_next_goes_nowhere_off_the_site(member_client, thread):
    response = member_client.post(
        "/reading/seen/", {"thread": thread.pk, "post": posts(thread)[-1].pk, "next": "https://evil.example/"}
    )

    assert response.status_code == 204


def test_positions_still_buffered_are_written_when_the_process_stops(settings, member, thread):
    settings.READING_FLUSH_SECONDS = 60
    tracker.record(member_pk=member.pk, thread_pk=thread.pk, post_pk=posts(thread)[1].pk)
    tracker.record(member_pk=member.pk, thread_pk=thread.pk, post_pk=posts(thread)[3].pk)
    assert state(member, thread).post_id == posts(thread)[1].pk

    tracker.flush_at_exit()

    assert state(member, thread).post_id == posts(thread)[3].pk


@pytest.mark.django_db(transaction=True)
def test_reports_held_back_are_written_by_the_timer_when_the_interval_is_over(settings, member, thread):
    settings.READING_FLUSH_SECONDS = 1
    first, _second, third = posts(thread)[1:]
    tracker.record(member_pk=member.pk, thread_pk=thread.pk, post_pk=first.pk)  # written at once
    tracker.record(member_pk=member.pk, thread_pk=thread.pk, post_pk=third.pk)  # held back
    assert state(member, thread).post_id == first.pk

    for _ in range(40):  # the timer's thread writes about a second after the first report
        if state(member, thread).post_id == third.pk:
            break
        time.sleep(0.1)

    assert state(member, thread).post_id == third.pk
    assert tracker.pending() == {}
