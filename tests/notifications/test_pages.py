"""The notification pages: the list, the bell's menu, opening and marking read, preferences.

Seen from the outside: the response a browser gets, and the rows left in the database.
"""

import re

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from forum import services
from notifications.models import Kind, Notification, Preference
from notifications.selectors import PER_PAGE
from notifications.services import DEFAULT_EMAIL, notify

INDEX = "/notifications/"
MENU = "/notifications/menu/"
READ_ALL = "/notifications/read-all/"
PREFERENCES = "/notifications/preferences/"


def open_url(n):
    return f"/notifications/{n.pk}/open/"


def read_url(n):
    return f"/notifications/{n.pk}/read/"


def listed(response) -> list[str]:
    """The texts of the notifications on the page, in order."""
    html = response.content.decode()
    return re.findall(r'<a href="/notifications/\d+/open/">([^<]+)</a>', html)


def listed_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<a href="/notifications/(\d+)/open/">', response.content.decode())]


def unread(member) -> int:
    return Notification.objects.filter(recipient=member, read_at__isnull=True).count()


@pytest.fixture
def thread(discussion, start_thread, member):
    return start_thread(category=discussion, author=member, title="How do I pair my lamp?")


@pytest.fixture
def reply(thread, other_member):
    """bruno replies to alice: alice gets a REPLY, bruno a first-answer BADGE."""
    return services.post_reply(thread=thread, author=other_member, body="Hold the button.")


@pytest.fixture
def alice_reply(member, reply):
    return Notification.objects.get(recipient=member)


@pytest.fixture
def badge(other_member, reply):
    return Notification.objects.get(recipient=other_member, kind=Kind.BADGE)


@pytest.fixture
def as_alice(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def many(discussion, start_thread, member, make_member):
    """35 notifications for alice from 20 different members, over 5 threads, of several kinds."""
    actors = [make_member(f"actor{i:02d}", display_name=f"Actor {i:02d}") for i in range(20)]
    threads = [start_thread(category=discussion, author=actors[i]) for i in range(5)]
    kinds = [Kind.MENTION, Kind.QUOTE, Kind.ANSWER_ACCEPTED, Kind.ENDORSED]
    for i in range(30):
        thread = threads[i % 5]
        notify(recipients=[member], kind=kinds[i % 4], actor=actors[i % 20], thread=thread, url=f"/p/{i + 1}/")
    for slug in ("first-answer", "helpful", "solver", "supporter", "endorsed"):
        notify(recipients=[member], kind=Kind.BADGE, data={"badge": slug})
    return Notification.objects.filter(recipient=member)


# Visitors and other members ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", INDEX),
        ("get", MENU),
        ("get", PREFERENCES),
        ("post", PREFERENCES),
        ("post", READ_ALL),
        ("get", "/notifications/1/open/"),
        ("post", "/notifications/1/read/"),
    ],
)
def test_a_visitor_is_sent_to_log_in(client, db, method, url):
    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_a_member_cannot_open_another_members_notification(client, alice_reply, carol):
    client.force_login(carol)

    assert client.get(open_url(alice_reply)).status_code == 404

    alice_reply.refresh_from_db()
    assert alice_reply.read_at is None


def test_a_member_cannot_mark_another_members_notification_read(client, alice_reply, carol):
    client.force_login(carol)

    assert client.post(read_url(alice_reply)).status_code == 404

    alice_reply.refresh_from_db()
    assert alice_reply.read_at is None


def test_marking_all_read_touches_only_ones_own(client, alice_reply, other_member):
    client.force_login(other_member)

    client.post(READ_ALL)

    alice_reply.refresh_from_db()
    assert alice_reply.read_at is None
    assert unread(other_member) == 0


def test_a_member_never_sees_another_members_notifications_in_the_list_or_the_menu(client, alice_reply, carol):
    client.force_login(carol)

    assert listed(client.get(INDEX)) == []
    assert client.get(MENU).json()["unread"] == 0
    assert "Bruno" not in client.get(MENU).json()["html"]


def test_reading_a_notification_that_does_not_exist_is_a_404(as_alice):
    assert as_alice.get("/notifications/999999/open/").status_code == 404
    assert as_alice.post("/notifications/999999/read/").status_code == 404


def test_marking_read_only_accepts_post(as_alice, alice_reply):
    assert as_alice.get(read_url(alice_reply)).status_code == 405
    assert as_alice.get(READ_ALL).status_code == 405


# The list ------------------------------------------------------------------------------------


def test_a_member_with_no_notifications_sees_the_empty_state(as_alice):
    response = as_alice.get(INDEX)

    assert response.status_code == 200
    assert "Nothing yet." in response.content.decode()
    assert listed(response) == []


def test_the_list_shows_each_notification_newest_first_and_marks_the_unread(as_alice, alice_reply, carol, thread):
    services.post_reply(thread=thread, author=carol, body="@alice, or unplug it.")

    response = as_alice.get(INDEX)

    assert listed(response) == [
        "Carol Nguyen mentioned you in “How do I pair my lamp?”",
        "Bruno Lefèvre replied to “How do I pair my lamp?”",
    ]
    assert response.content.decode().count('class="notification is-unread"') == 2
    assert "2 unread" in response.content.decode()


def test_the_list_is_paginated(as_alice, many):
    first, second = as_alice.get(INDEX), as_alice.get(INDEX + "?page=2")

    assert len(listed(first)) == PER_PAGE == 30
    assert len(listed(second)) == 5
    newest_first = list(many.order_by("-updated_at", "-id").values_list("pk", flat=True))
    assert listed_ids(first) + listed_ids(second) == newest_first
    assert as_alice.get(INDEX + "?page=99").status_code == 200  # the last page
    assert as_alice.get(INDEX + "?page=nonsense").status_code == 200  # the first page


def test_the_list_filters_by_kind(as_alice, many):
    response = as_alice.get(INDEX + "?kind=badge")

    assert listed(response) == [
        "You earned the badge “Endorsed”",
        "You earned the badge “Supporter”",
        "You earned the badge “Solver”",
        "You earned the badge “Helpful”",
        "You earned the badge “First answer”",
    ]
    assert '<option value="badge" selected>' in response.content.decode()


def test_an_unknown_kind_is_ignored_rather_than_an_error(as_alice, many):
    response = as_alice.get(INDEX + "?kind=<script>")

    assert response.status_code == 200
    assert len(listed(response)) == PER_PAGE
    assert "<script>" not in response.content.decode()


def test_the_list_filters_unread_only(as_alice, member, many):
    Notification.objects.filter(recipient=member).exclude(kind=Kind.BADGE).update(read_at=timezone.now())

    response = as_alice.get(INDEX + "?unread=1")

    assert len(listed(response)) == 5
    assert all(text.startswith("You earned the badge") for text in listed(response))


def test_a_filter_that_matches_nothing_says_so(as_alice, alice_reply):
    response = as_alice.get(INDEX + "?kind=endorsed")

    assert listed(response) == []
    assert "No notifications match this filter." in response.content.decode()


def test_notifications_hidden_from_the_site_are_not_listed(as_alice, member, thread, other_member):
    Preference.objects.create(member=member, kind=Kind.REPLY, on_site=False, email=Preference.Email.IMMEDIATE)
    services.post_reply(thread=thread, author=other_member, body="Hold the button.")

    assert Notification.objects.filter(recipient=member).count() == 1
    assert listed(as_alice.get(INDEX)) == []
    assert as_alice.get(MENU).json()["unread"] == 0


def test_the_bell_in_the_header_shows_the_unread_count(as_alice, alice_reply):
    html = as_alice.get("/").content.decode()

    assert re.search(r'<span class="bell-count" id="bell-count">1</span>', html)


def test_the_list_renders_in_a_fixed_number_of_queries(as_alice, many, django_assert_max_num_queries):
    as_alice.get(INDEX)  # warm the session cache

    with django_assert_max_num_queries(10):
        response = as_alice.get(INDEX)

    assert len(listed(response)) == 30
    assert len({n.actor_id for n in many if n.actor_id}) == 20


def test_the_filtered_list_renders_in_a_fixed_number_of_queries(as_alice, many, django_assert_max_num_queries):
    as_alice.get(INDEX)

    with django_assert_max_num_queries(10):
        as_alice.get(INDEX + "?kind=mention&unread=1&page=1")


# Opening and marking read ------------------------------------------------------------------


def test_opening_a_notification_marks_it_read_and_goes_to_the_post(as_alice, alice_reply, reply):
    response = as_alice.get(open_url(alice_reply))

    assert response.status_code == 302
    assert response["Location"] == f"/p/{reply.pk}/"
    alice_reply.refresh_from_db()
    assert alice_reply.read_at is not None


def test_opening_a_badge_notification_goes_to_the_badge(client, other_member, badge):
    client.force_login(other_member)

    response = client.get(open_url(badge))

    try:
        expected = reverse("reputation:badge", args=["first-answer"])
    except NoReverseMatch:  # no badge page yet: the member's profile lists their badges
        expected = reverse("profiles:profile", args=[other_member.username])
    assert response["Location"] == expected
    badge.refresh_from_db()
    assert badge.is_read


def test_opening_a_read_notification_again_still_goes_to_its_target(as_alice, alice_reply, reply):
    as_alice.get(open_url(alice_reply))
    read_at = Notification.objects.get(pk=alice_reply.pk).read_at

    response = as_alice.get(open_url(alice_reply))

    assert response["Location"] == f"/p/{reply.pk}/"
    assert Notification.objects.get(pk=alice_reply.pk).read_at == read_at


def test_marking_one_read_returns_to_the_page_it_came_from(as_alice, alice_reply):
    response = as_alice.post(read_url(alice_reply), {"next": "/notifications/?page=2"})

    assert response.status_code == 302
    assert response["Location"] == "/notifications/?page=2"
    alice_reply.refresh_from_db()
    assert alice_reply.is_read


def test_marking_one_read_without_next_returns_to_the_list(as_alice, alice_reply):
    response = as_alice.post(read_url(alice_reply))

    assert response["Location"] == INDEX


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "/\\evil.example"]
)
def test_marking_one_read_never_redirects_off_the_site(as_alice, alice_reply, next_url):
    response = as_alice.post(read_url(alice_reply), {"next": next_url})

    assert response.status_code == 302
    assert response["Location"] == INDEX


def test_marking_one_read_with_a_next_that_is_no_url_is_not_an_error(as_alice, alice_reply):
    response = as_alice.post(read_url(alice_reply), {"next": "index"})

    assert response.status_code == 302
    alice_reply.refresh_from_db()
    assert alice_reply.is_read


def test_marking_all_read_reads_every_one_and_says_how_many(as_alice, member, many):
    response = as_alice.post(READ_ALL, follow=True)

    assert unread(member) == 0
    assert "35 notifications marked as read." in response.content.decode()


def test_marking_all_of_one_kind_read_leaves_the_others(as_alice, member, many):
    as_alice.post(READ_ALL, {"kind": "badge"})

    assert Notification.objects.filter(recipient=member, read_at__isnull=True, kind=Kind.BADGE).count() == 0
    assert unread(member) == 30


def test_marking_all_read_with_an_unknown_kind_reads_everything(as_alice, member, many):
    as_alice.post(READ_ALL, {"kind": "nonsense"})

    assert unread(member) == 0


# The bell's menu ---------------------------------------------------------------------------


def test_the_menu_gives_the_latest_eight_and_the_unread_count(as_alice, many):
    data = as_alice.get(MENU).json()

    assert data["unread"] == 35
    assert data["html"].count("/open/") == 8
    assert "You earned the badge “Endorsed”" in data["html"]
    assert 'href="/notifications/"' in data["html"]


def test_the_menu_of_a_member_with_nothing_says_so(as_alice):
    data = as_alice.get(MENU).json()

    assert data == {"html": data["html"], "unread": 0}
    assert "No notifications yet." in data["html"]


def test_the_menu_escapes_what_members_wrote(as_alice, member, make_member, discussion, start_thread):
    author = make_member("mallory", display_name="<img src=x onerror=alert(1)>")
    thread = start_thread(category=discussion, author=author, title="<b>Bold</b> title")
    notify(recipients=[member], kind=Kind.MENTION, actor=author, thread=thread)

    html = as_alice.get(MENU).json()["html"]

    assert "<img src=x" not in html and "<b>Bold</b>" not in html
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html


def test_the_menu_answers_in_a_fixed_number_of_queries(as_alice, many, django_assert_max_num_queries):
    as_alice.get(MENU)

    with django_assert_max_num_queries(6):
        as_alice.get(MENU)


# Preferences -------------------------------------------------------------------------------


def choices_on_page(html: str) -> dict[str, tuple[bool, str]]:
    rows = {}
    for kind in Kind.values:
        checkbox = re.search(rf'<input type="checkbox" id="site-{kind}" name="site-{kind}"( checked)?', html)
        select = re.search(rf'<select name="email-{kind}".*?</select>', html, re.S)
        if checkbox and select:
            chosen = re.search(r'<option value="(\w+)" selected>', select.group(0))
            rows[kind] = (bool(checkbox.group(1)), chosen.group(1))
    return rows


def test_preferences_show_the_defaults_to_a_member_who_chose_nothing(as_alice):
    response = as_alice.get(PREFERENCES)

    rows = choices_on_page(response.content.decode())
    assert Kind.NEW_REPORT not in rows  # moderators only
    assert rows[Kind.REPLY] == (True, DEFAULT_EMAIL[Kind.REPLY])
    assert rows[Kind.HELPFUL] == (True, Preference.Email.OFF)
    assert {kind for kind, (_site, email) in rows.items() if email != "off"} == set(DEFAULT_EMAIL) & set(rows)
    assert "10 minutes" in response.content.decode()


def test_a_moderator_can_choose_about_new_reports(client, moderator):
    client.force_login(moderator)

    assert Kind.NEW_REPORT in choices_on_page(client.get(PREFERENCES).content.decode())


def test_saving_preferences_keeps_each_choice(as_alice, member):
    form = {f"site-{kind}": "on" for kind in Kind.values if kind != Kind.HELPFUL}
    form.update({f"email-{kind}": "off" for kind in Kind.values})
    form.update({"email-mention": "daily", "email-reply": "immediate", "email-helpful": "daily"})

    response = as_alice.post(PREFERENCES, form)

    assert response.status_code == 302
    assert response["Location"] == PREFERENCES
    rows = choices_on_page(as_alice.get(PREFERENCES).content.decode())
    assert rows[Kind.HELPFUL] == (False, "daily")
    assert rows[Kind.MENTION] == (True, "daily")
    assert rows[Kind.REPLY] == (True, "immediate")
    assert rows[Kind.ANSWER_ACCEPTED] == (True, "off")
    assert Preference.objects.get(member=member, kind=Kind.HELPFUL).on_site is False


@pytest.mark.parametrize("bad", ["weekly", "", "OFF", "immediate; DROP TABLE"])
def test_a_bad_email_choice_is_refused_and_nothing_is_saved(as_alice, member, bad):
    form = {f"site-{kind}": "on" for kind in Kind.values}
    form.update({"email-reply": "off", "email-mention": bad})

    response = as_alice.post(PREFERENCES, form)

    assert response.status_code == 400
    assert "nothing was saved" in response.content.decode()
    assert not Preference.objects.filter(member=member).exists()


def test_a_refused_form_still_says_how_long_the_email_delay_is(as_alice):
    response = as_alice.post(PREFERENCES, {"email-reply": "weekly"})

    assert "10 minutes" in response.content.decode()


def test_a_member_saving_preferences_does_not_touch_anyone_elses(as_alice, other_member):
    as_alice.post(PREFERENCES, {"email-reply": "off"})

    assert not Preference.objects.filter(member=other_member).exists()


def test_the_preferences_page_renders_in_a_fixed_number_of_queries(as_alice, django_assert_max_num_queries):
    as_alice.post(PREFERENCES, {"email-reply": "daily"})
    as_alice.get(PREFERENCES)

    with django_assert_max_num_queries(6):
        as_alice.get(PREFERENCES)
