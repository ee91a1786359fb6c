"""Staff reply as the brand unless they choose to reply personally; the assign menu starts empty;
nobody but the asker accepts their own reply as the answer."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from forum import services
from forum.models import Thread
from staff import selectors
from tests.forum.parsed import parse_html


def client_as(handler, person):
    client = Client()
    client.handler = handler
    if person is not None:
        client.force_login(person)
    return client


# Replying personally ---------------------------------------------------------------------------


def test_a_staff_reply_is_official_when_the_role_decides(ask, questions, member, staff_member):
    thread = ask(category=questions, author=member)

    post = services.post_reply(thread=thread, author=staff_member, body="We are on it.")

    thread.refresh_from_db()
    assert post.is_official
    assert thread.has_official_response and thread.first_official_at == post.created_at


def test_a_personal_staff_reply_is_not_official_and_leaves_the_thread_in_the_queue(
    ask, questions, member, staff_member
):
    thread = ask(category=questions, author=member)

    post = services.post_reply(thread=thread, author=staff_member, body="Same here at home.", official=False)

    thread.refresh_from_db()
    assert not post.is_official
    assert (thread.has_official_response, thread.first_official_at) == (False, None)
    assert thread in selectors.awaiting_official_response()


def test_a_member_asking_for_an_official_reply_still_posts_a_plain_one(ask, questions, member, other_member):
    thread = ask(category=questions, author=member)

    post = services.post_reply(thread=thread, author=other_member, body="I am not the brand.", official=True)

    assert not post.is_official


def test_the_reply_form_posts_a_personal_reply_when_staff_tick_the_box(
    _request_handler, ask, questions, member, staff_member
):
    thread = ask(category=questions, author=member)
    client = client_as(_request_handler, staff_member)

    client.post(f"/t/{thread.slug}/{thread.pk}/reply/", {"body": "Personally, I use the Halo.", "personal": "1"})
    client.post(f"/t/{thread.slug}/{thread.pk}/reply/", {"body": "Officially: update to 2.4.1."})

    assert list(thread.posts.filter(is_opening=False).values_list("is_official", flat=True)) == [False, True]


@pytest.mark.parametrize("role", ["member", "staff", "moderator"])
def test_only_staff_are_told_their_reply_is_official_and_offered_to_reply_personally(
    _request_handler, ask, questions, member, other_member, staff_member, moderator, role
):
    person = {"member": other_member, "staff": staff_member, "moderator": moderator}[role]
    thread = ask(category=questions, author=member)

    for url in (thread.get_absolute_url(), f"/t/{thread.slug}/{thread.pk}/reply/"):
        page = parse_html(client_as(_request_handler, person).get(url).content)
        boxes = [i for i in page.find_all("input") if i.get("name") == "personal"]
        note = page.find(class_="official-note")
        if role == "staff":
            assert "Acme Support" in note.text and "official response" in note.text
            assert "Reply personally (not as the brand)" in note.text and len(boxes) == 1
        else:
            assert note is None and boxes == []


# Accepting one's own reply ---------------------------------------------------------------------


@pytest.fixture
def suspended_member(make_member):
    return make_member("sam", suspended_until=timezone.now() + timedelta(days=3), suspension_reason="Spam")


@pytest.fixture
def answered(ask, questions, member, staff_member, colleague, moderator, other_member):
    thread = ask(category=questions, author=member)
    posts = {
        "staff": services.post_reply(thread=thread, author=staff_member, body="Official: update."),
        "member": services.post_reply(thread=thread, author=other_member, body="Works for me."),
        "moderator": services.post_reply(thread=thread, author=moderator, body="Try resetting it."),
        "asker": services.post_reply(thread=thread, author=member, body="Solved it myself."),
    }
    return thread, posts


# who accepts → whose reply → allowed
ACCEPT_MATRIX = [
    ("asker", "staff", True),
    ("asker", "asker", True),
    ("staff", "staff", False),
    ("staff", "member", True),
    ("colleague", "staff", True),
    ("moderator", "staff", True),
    ("moderator", "moderator", False),
    ("member", "staff", False),
    ("suspended", "staff", False),
]


@pytest.mark.parametrize(("who", "whose", "allowed"), ACCEPT_MATRIX)
def test_staff_cannot_accept_their_own_official_response_but_the_asker_or_a_colleague_can(
    answered, member, staff_member, colleague, moderator, other_member, suspended_member, who, whose, allowed
):
    thread, posts = answered
    by = {
        "asker": member,
        "staff": staff_member,
        "colleague": colleague,
        "moderator": moderator,
        "member": other_member,
        "suspended": suspended_member,
    }[who]

    if allowed:
        services.accept_answer(post=posts[whose], by=by)
        assert Thread.objects.get(pk=thread.pk).accepted_answer_id == posts[whose].pk
    else:
        with pytest.raises(PermissionDenied):
            services.accept_answer(post=posts[whose], by=by)
        assert Thread.objects.get(pk=thread.pk).accepted_answer_id is None


def test_the_accept_button_is_not_offered_to_staff_on_their_own_reply(_request_handler, answered, staff_member):
    thread, posts = answered
    page = client_as(_request_handler, staff_member).get(thread.get_absolute_url()).content.decode()

    assert f'action="/p/{posts["staff"].pk}/accept/"' not in page
    assert f'action="/p/{posts["member"].pk}/accept/"' in page


# The assign menu -------------------------------------------------------------------------------


def test_the_assign_menu_starts_on_an_empty_choice(_request_handler, ask, questions, member, staff_member, colleague):
    thread = ask(category=questions, author=member)
    services.assign_thread(thread=thread, by=staff_member, to=colleague)

    page = parse_html(client_as(_request_handler, staff_member).get("/staff/").content)
    select = next(s for s in page.find_all("select") if s.get("name") == "to")
    options = [o for o in page.find_all("option") if select in o.ancestors()]

    assert options[0].get("value") == "" and options[0].text == "Choose…"
    assert [o.get("value") for o in options if "selected" in dict(o.attrs)] == [""]
    assert "required" in dict(select.attrs)


def test_assigning_with_no_colleague_chosen_is_refused_with_a_clear_message(
    _request_handler, ask, questions, member, staff_member
):
    thread = ask(category=questions, author=member)
    client = client_as(_request_handler, staff_member)

    response = client.post(f"/staff/thread/{thread.pk}/", {"action": "assign", "to": ""}, follow=True)

    thread.refresh_from_db()
    assert thread.assignee is None
    assert "Choose the colleague to assign" in response.content.decode()
