"""The official-response queue: who is in it, in what order, the actions on it, targets, and who may open it."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from forum import services
from forum.models import Thread, Visibility
from notifications.models import Kind, Notification
from staff import selectors
from tests.staff.conftest import days_ago, hours

QUEUE = "/staff/"


def queue_titles(client, **params) -> list[str]:
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    return [thread.title for thread in response.context["page"].object_list]


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def staff_client(client, staff_member):
    client.force_login(staff_member)
    return client


# Membership ------------------------------------------------------------------------------------


def test_a_new_question_waits_in_the_queue_and_a_discussion_thread_does_not(
    staff_client, ask, member, questions, discussion
):
    ask(category=questions, author=member, title="Why does my lamp blink?")
    ask(category=discussion, author=member, title="Show us your living room")

    assert queue_titles(staff_client) == ["Why does my lamp blink?"]


def test_an_official_response_takes_a_question_out_of_the_queue(
    staff_client, ask, reply, member, other_member, staff_member, questions
):
    answered = ask(category=questions, author=member, title="Answered by staff")
    ask(category=questions, author=member, title="Answered by a member only")
    reply(answered, staff_member)
    reply(Thread.objects.get(title="Answered by a member only"), other_member)

    assert queue_titles(staff_client) == ["Answered by a member only"]


def test_an_accepted_answer_takes_a_question_out_of_the_queue(
    staff_client, ask, reply, member, other_member, questions
):
    solved = ask(category=questions, author=member, title="Solved by a member")
    services.accept_answer(post=reply(solved, other_member), by=member)
    ask(category=questions, author=member, title="Still open")

    assert queue_titles(staff_client) == ["Still open"]


def test_a_question_marked_as_needing_no_response_leaves_the_queue_and_can_come_back(
    staff_client, ask, member, staff_member, questions
):
    thread = ask(category=questions, author=member, title="Duplicate of an older question")

    services.set_no_response_needed(thread=thread, by=staff_member, reason="Duplicate")
    assert queue_titles(staff_client) == []

    services.set_no_response_needed(thread=thread, by=staff_member, reason="")
    assert queue_titles(staff_client) == ["Duplicate of an older question"]


def test_a_hidden_question_is_not_in_the_queue(staff_client, ask, member, moderator, questions):
    hidden = ask(category=questions, author=member, title="Spam disguised as a question")
    ask(category=questions, author=member, title="A real question")
    opening = hidden.posts.get(is_opening=True)
    services.set_post_visibility(post=opening, by=moderator, visibility=Visibility.HIDDEN, reason="spam")

    assert queue_titles(staff_client) == ["A real question"]


def test_staff_only_questions_are_queued_for_those_who_can_read_them_only(
    ask, member, staff_member, moderator, questions, staff_questions
):
    ask(category=questions, author=member, title="Public question")
    ask(category=staff_questions, author=moderator, title="Internal question")

    def titles(viewer):
        return {t.title for t in selectors.queue(viewer).object_list}

    assert titles(member) == {"Public question"}
    assert titles(moderator) == {"Public question", "Internal question"}
    assert titles(staff_member) == {"Public question", "Internal question"}


def test_the_queue_lists_the_oldest_question_first(staff_client, ask, member, questions):
    ask(category=questions, author=member, title="Asked yesterday", at=days_ago(1))
    ask(category=questions, author=member, title="Asked just now")
    ask(category=questions, author=member, title="Asked three days ago", at=days_ago(3))

    assert queue_titles(staff_client) == ["Asked three days ago", "Asked yesterday", "Asked just now"]


# Scopes and filters ----------------------------------------------------------------------------


@pytest.fixture
def three_questions(ask, member, questions, ideas, staff_member, colleague):
    mine = ask(category=questions, author=member, title="Mine to answer", tags=["lamps"], at=days_ago(3))
    theirs = ask(category=ideas, author=member, title="Theirs to answer", tags=["kettles"], at=days_ago(2))
    nobodys = ask(category=questions, author=member, title="Nobody's to answer", tags=["kettles"], at=days_ago(1))
    services.assign_thread(thread=mine, by=staff_member, to=staff_member)
    services.assign_thread(thread=theirs, by=staff_member, to=colleague)
    return mine, theirs, nobodys


def test_the_scopes_show_mine_unassigned_or_all(staff_client, three_questions):
    assert queue_titles(staff_client) == ["Mine to answer", "Theirs to answer", "Nobody's to answer"]
    assert queue_titles(staff_client, scope="all") == ["Mine to answer", "Theirs to answer", "Nobody's to answer"]
    assert queue_titles(staff_client, scope="mine") == ["Mine to answer"]
    assert queue_titles(staff_client, scope="unassigned") == ["Nobody's to answer"]
    assert queue_titles(staff_client, scope="made-up") == ["Mine to answer", "Theirs to answer", "Nobody's to answer"]


def test_the_queue_filters_by_category_and_by_tag(staff_client, three_questions):
    assert queue_titles(staff_client, category="help") == ["Mine to answer", "Nobody's to answer"]
    assert queue_titles(staff_client, category="how-to") == ["Theirs to answer"]
    assert queue_titles(staff_client, tag="kettles") == ["Theirs to answer", "Nobody's to answer"]
    assert queue_titles(staff_client, category="help", tag="kettles") == ["Nobody's to answer"]
    assert queue_titles(staff_client, scope="unassigned", tag="lamps") == []


def test_each_question_shows_its_age_and_whether_it_is_past_its_target(staff_client, ask, member, questions, ideas):
    ask(category=questions, author=member, title="Late question", at=timezone.now() - hours(30))
    ask(category=questions, author=member, title="In time question", at=timezone.now() - hours(2))
    ask(category=ideas, author=member, title="No target", at=timezone.now() - hours(300))

    response = staff_client.get(QUEUE)

    flags = {t.title: (t.past_target, round(t.age.total_seconds() / 3600)) for t in response.context["page"]}
    assert flags == {"No target": (False, 300), "Late question": (True, 30), "In time question": (False, 2)}
    html = response.content.decode()
    assert html.count("Past target") == 1
    assert "waiting for 1\xa0day, 6\xa0hours" in html


# Actions through the views ---------------------------------------------------------------------


def assign(client, thread, **data):
    return client.post(reverse("staff:assign", args=[thread.pk]), {"next": QUEUE, **data})


def test_claiming_a_question_assigns_it_to_oneself_without_notifying_oneself(
    staff_client, ask, member, staff_member, questions
):
    thread = ask(category=questions, author=member)

    response = assign(staff_client, thread, action="claim")

    assert response.status_code == 302
    assert response.url == QUEUE
    thread.refresh_from_db()
    assert thread.assignee == staff_member
    assert thread.assigned_at is not None
    assert not Notification.objects.filter(kind=Kind.ASSIGNED).exists()
    assert queue_titles(staff_client, scope="mine") == [thread.title]


def test_assigning_a_question_to_a_colleague_notifies_them(
    staff_client, ask, member, staff_member, colleague, questions
):
    thread = ask(category=questions, author=member)

    assign(staff_client, thread, action="assign", to=colleague.username)

    thread.refresh_from_db()
    assert thread.assignee == colleague
    notification = Notification.objects.get(kind=Kind.ASSIGNED)
    assert (notification.recipient, notification.actor, notification.thread) == (colleague, staff_member, thread)
    assert notification.url == thread.get_absolute_url()


def test_releasing_a_question_puts_it_back_among_the_unassigned(staff_client, ask, member, staff_member, questions):
    thread = ask(category=questions, author=member)
    assign(staff_client, thread, action="claim")

    assign(staff_client, thread, action="release")

    thread.refresh_from_db()
    assert (thread.assignee, thread.assigned_at) == (None, None)
    assert queue_titles(staff_client, scope="unassigned") == [thread.title]


def test_marking_no_response_needed_takes_a_reason(staff_client, ask, member, questions):
    thread = ask(category=questions, author=member)

    refused = assign(staff_client, thread, action="no-response", reason="   ")
    thread.refresh_from_db()
    assert thread.no_response_needed == ""
    assert "Say why no official response is needed." in messages_of(refused)

    assign(staff_client, thread, action="no-response", reason="Answered in the FAQ")
    thread.refresh_from_db()
    assert thread.no_response_needed == "Answered in the FAQ"
    assert queue_titles(staff_client) == []


def test_assigning_a_question_to_someone_who_is_not_staff_is_refused(
    staff_client, ask, member, other_member, questions
):
    thread = ask(category=questions, author=member)

    response = assign(staff_client, thread, action="assign", to=other_member.username)

    assert response.status_code == 302
    assert "Threads can only be assigned to brand staff." in messages_of(response)
    thread.refresh_from_db()
    assert (thread.assignee, thread.assigned_at) == (None, None)
    assert not Notification.objects.filter(kind=Kind.ASSIGNED).exists()


def test_an_unknown_action_is_a_bad_request(staff_client, ask, member, questions):
    thread = ask(category=questions, author=member)

    assert assign(staff_client, thread, action="delete-everything").status_code == 400


def test_the_assignment_shows_on_the_thread_page_for_staff_only(
    client, ask, member, other_member, staff_member, colleague, moderator, questions
):
    thread = ask(category=questions, author=member)
    services.assign_thread(thread=thread, by=staff_member, to=colleague)
    url = thread.get_absolute_url()

    def page_for(person):
        client.logout()
        if person is not None:
            client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        return response.content.decode()

    for person in (staff_member, moderator):
        assert "Assigned to Yann Leroy" in page_for(person)
    for person in (None, member, other_member):
        html = page_for(person)
        assert "Yann Leroy" not in html
        assert reverse("staff:assign", args=[thread.pk]) not in html


# Response targets ------------------------------------------------------------------------------


def test_a_breached_target_notifies_the_assignee_once_however_often_the_check_runs(
    ask, member, staff_member, colleague, questions
):
    thread = ask(category=questions, author=member, at=timezone.now() - hours(25))
    services.assign_thread(thread=thread, by=staff_member, to=colleague)

    call_command("check_response_targets")
    call_command("check_response_targets")

    breaches = Notification.objects.filter(kind=Kind.TARGET_BREACHED)
    assert [(n.recipient, n.thread) for n in breaches] == [(colleague, thread)]
    thread.refresh_from_db()
    assert thread.target_breach_notified_at is not None


def test_a_breached_target_on_an_unassigned_question_notifies_every_staff_member_once(
    ask, member, staff_member, colleague, moderator, questions
):
    thread = ask(category=questions, author=member, at=timezone.now() - hours(25))
    ask(category=questions, author=member, at=timezone.now() - hours(23))  # still inside its target

    call_command("check_response_targets")
    call_command("check_response_targets")

    recipients = sorted(n.recipient.username for n in Notification.objects.filter(kind=Kind.TARGET_BREACHED))
    assert recipients == sorted([staff_member.username, colleague.username])
    assert set(Notification.objects.filter(kind=Kind.TARGET_BREACHED).values_list("thread", flat=True)) == {thread.pk}


def test_no_target_is_breached_where_the_category_has_none_or_the_question_has_an_answer(
    ask, reply, member, staff_member, questions, ideas
):
    ask(category=ideas, author=member, at=timezone.now() - hours(500))
    answered = ask(category=questions, author=member, at=timezone.now() - hours(30))
    reply(answered, staff_member, after=hours(29))

    call_command("check_response_targets")

    assert not Notification.objects.filter(kind=Kind.TARGET_BREACHED).exists()


# Who may open what -----------------------------------------------------------------------------

PEOPLE = ("visitor", "member", "suspended", "staff", "moderator", "admin")
STAFF = {"staff", "moderator", "admin"}
PAGES = ("/staff/", "/staff/figures/", "/staff/figures.csv", "/staff/announcements/")


@pytest.fixture
def people(member, staff_member, moderator, admin_member, make_member):
    suspended = make_member("sam", suspended_until=timezone.now() + timedelta(days=3))
    return {
        "visitor": None,
        "member": member,
        "suspended": suspended,
        "staff": staff_member,
        "moderator": moderator,
        "admin": admin_member,
    }


def as_person(client, person):
    client.logout()
    if person is not None:
        client.force_login(person)
    return client


@pytest.mark.parametrize("role", PEOPLE)
@pytest.mark.parametrize("path", PAGES)
def test_staff_pages_are_for_staff_moderators_and_admins(client, people, role, path):
    response = as_person(client, people[role]).get(path)

    if role == "visitor":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == (200 if role in STAFF else 403)


ACTIONS = (
    ("claim-or-release", {"action": "release"}),
    ("no-response", {"action": "no-response", "reason": "Answered in the FAQ"}),
    ("no-response-without-reason", {"action": "no-response", "reason": ""}),
    ("unknown", {"action": "delete-everything"}),
)


@pytest.mark.parametrize("role", PEOPLE)
@pytest.mark.parametrize(("name", "data"), ACTIONS, ids=[name for name, _ in ACTIONS])
def test_queue_actions_are_for_staff_moderators_and_admins(client, people, ask, questions, role, name, data):
    thread = ask(category=questions, author=people["member"])

    response = as_person(client, people[role]).post(reverse("staff:assign", args=[thread.pk]), data)

    if role == "visitor":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif role not in STAFF:
        assert response.status_code == 403
    else:
        assert response.status_code == (400 if name == "unknown" else 302)
    thread.refresh_from_db()
    done = role in STAFF and name == "no-response"
    assert thread.no_response_needed == ("Answered in the FAQ" if done else "")


@pytest.mark.parametrize("role", PEOPLE)
def test_publishing_and_withdrawing_announcements_are_for_staff_moderators_and_admins(client, people, role):
    from notifications import announcements
    from notifications.models import Announcement

    client = as_person(client, people[role])
    published = client.post(reverse("staff:announcements"), {"message": f"Maintenance by {role}", "hours": "4"})
    current = announcements.publish(
        by=people["staff"], message="Already live", expires_at=timezone.now() + timedelta(hours=1)
    )
    withdrawn = client.post(reverse("staff:withdraw", args=[current.pk]))

    current.refresh_from_db()
    if role == "visitor":
        assert (published.status_code, withdrawn.status_code) == (302, 302)
        assert published.url.startswith(reverse("account_login"))
    elif role not in STAFF:
        assert (published.status_code, withdrawn.status_code) == (403, 403)
    else:
        assert (published.status_code, withdrawn.status_code) == (302, 302)
    assert Announcement.objects.filter(message=f"Maintenance by {role}").exists() == (role in STAFF)
    assert (current.withdrawn_at is not None) == (role in STAFF)


# Query counts ----------------------------------------------------------------------------------


def test_the_queue_page_costs_a_fixed_number_of_queries(
    client, make_member, ask, questions, staff_member, colleague, django_assert_max_num_queries
):
    authors = [make_member(f"asker{n:02d}", display_name=f"Asker {n}") for n in range(25)]
    for n, author in enumerate(authors):
        thread = ask(category=questions, author=author, tags=[f"tag{n}", "common"], at=days_ago(n / 10 + 0.1))
        if n % 2:
            services.assign_thread(thread=thread, by=staff_member, to=colleague if n % 4 == 1 else staff_member)
    client.force_login(staff_member)

    with django_assert_max_num_queries(12):
        response = client.get(QUEUE)

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25
