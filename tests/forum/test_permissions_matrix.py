"""Who may open which forum page and do which action, over the matrix of people.

visitor, member (bruno), the author (alice, who asked the public question),
staff (sophie), moderator (marc), a suspended member (sam) and an admin (root).
Each row of a table gives, per person, the status the page answers and, for
actions, whether the row was written. Staff-only content must not exist for
anyone but staff, moderators and admins, and never in the public feeds.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client
from django.utils import timezone

from forum import permissions, services
from forum.models import Follow, Post, Thread, Visibility, Vote

ROLES = ("visitor", "member", "author", "staff", "moderator", "suspended", "admin")
STAFF_ROLES = {"staff", "moderator", "admin"}
LOGIN = "login"  # redirected to the login page
OK = "ok"  # the action was done: redirected back to what it was done to


def expect(default, **by_role):
    assert set(by_role) <= set(ROLES)
    return {role: by_role.get(role, default) for role in ROLES}


def staff_only(ok, refused=404, **by_role):
    """`ok` for staff, moderators and admins; `refused` (404: it does not exist) for everyone else."""
    return expect(refused, **{"staff": ok, "moderator": ok, "admin": ok, **by_role})


@dataclass
class World:
    people: dict
    question: Thread
    opening: Post
    reply: Post
    secret: Thread
    secret_post: Post
    hidden: Thread
    public_category: object
    staff_category: object


@pytest.fixture
def world(
    make_member, make_thread, questions, staff_category, member, other_member, staff_member, moderator, admin_member
):
    carla = make_member("carla", display_name="Carla Replier")
    stan = make_member("stan", staff=True, title="Acme Engineering")
    sam = make_member("sam", display_name="Sam Suspended")
    question = make_thread(
        category=questions,
        author=member,
        title="Public question about lamps",
        tags=["shared", "lamps"],
        replies=[(carla, "Public reply by carla.")],
    )
    secret = make_thread(category=staff_category, author=stan, title="Secret roadmap for next year", tags=["shared"])
    hidden = make_thread(category=questions, author=member, title="A thread moderators hid")
    Thread.objects.filter(pk=hidden.pk).update(visibility=Visibility.HIDDEN)
    sam.suspended_until = timezone.now() + timedelta(days=7)
    sam.save(update_fields=["suspended_until"])
    people = {
        "visitor": None,
        "member": other_member,
        "author": member,
        "staff": staff_member,
        "moderator": moderator,
        "suspended": sam,
        "admin": admin_member,
        "carla": carla,
        "stan": stan,
    }
    return World(
        people=people,
        question=question,
        opening=question.posts.get(is_opening=True),
        reply=question.posts.get(is_opening=False),
        secret=secret,
        secret_post=secret.posts.get(),
        hidden=hidden,
        public_category=questions,
        staff_category=staff_category,
    )


def client_for(world, role, client) -> Client:
    """A client for `role` that shares the test client's request handler (building one is slow)."""
    other = Client()
    other.handler = client.handler
    if world.people[role] is not None:
        other.force_login(world.people[role])
    return other


def url_of(thread, suffix=""):
    return f"/t/{thread.slug}/{thread.pk}/{suffix}"


def outcome(response):
    """A status code, or LOGIN for a redirect to the login page."""
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return LOGIN
    return response.status_code


# Pages -------------------------------------------------------------------------------------

PAGES = {
    "home": (lambda w: "/", expect(200)),
    "public category": (lambda w: "/c/help/", expect(200)),
    "public category, every filter": (lambda w: "/c/help/?filter=awaiting&page=2", expect(200)),
    "staff-only category": (lambda w: "/c/staff-room/", staff_only(200)),
    "public thread": (lambda w: url_of(w.question), expect(200)),
    "public thread, wrong slug": (lambda w: f"/t/wrong/{w.question.pk}/", expect(301)),
    "staff-only thread": (lambda w: url_of(w.secret), staff_only(200)),
    "staff-only thread, wrong slug": (lambda w: f"/t/wrong/{w.secret.pk}/", staff_only(301)),
    "hidden thread": (lambda w: url_of(w.hidden), expect(404, author=200, moderator=200, admin=200)),
    "tag page": (lambda w: "/tags/shared/", expect(200)),
    "new thread": (lambda w: "/t/new/", expect(200, visitor=LOGIN, suspended=403)),
    "new thread in the staff-only category": (
        lambda w: "/t/new/?category=staff-room",
        expect(200, visitor=LOGIN, suspended=403),
    ),
    "reply to a public thread": (lambda w: url_of(w.question, "reply/"), expect(200, visitor=LOGIN, suspended=403)),
    "reply to a staff-only thread": (lambda w: url_of(w.secret, "reply/"), staff_only(200, visitor=LOGIN)),
    "edit the author's opening post": (
        lambda w: f"/p/{w.opening.pk}/edit/",
        expect(200, visitor=LOGIN, member=403, suspended=403),
    ),
    "edit a staff-only post": (lambda w: f"/p/{w.secret_post.pk}/edit/", staff_only(200, visitor=LOGIN)),
    "history of a public post": (lambda w: f"/p/{w.opening.pk}/history/", expect(200)),
    "history of a staff-only post": (lambda w: f"/p/{w.secret_post.pk}/history/", staff_only(200)),
    "link to a public post": (lambda w: f"/p/{w.reply.pk}/", expect(302)),
    "link to a staff-only post": (lambda w: f"/p/{w.secret_post.pk}/", staff_only(302)),
    "link to a post that does not exist": (lambda w: "/p/999999/", expect(404)),
    "latest feed (Atom)": (lambda w: "/feeds/latest/atom/", expect(200)),
    "latest feed (RSS)": (lambda w: "/feeds/latest/", expect(200)),
    "public category feed (Atom)": (lambda w: "/c/help/feed/", expect(200)),
    "public category feed (RSS)": (lambda w: "/c/help/rss/", expect(200)),
    "staff-only category feed (Atom)": (lambda w: "/c/staff-room/feed/", expect(404)),
    "staff-only category feed (RSS)": (lambda w: "/c/staff-room/rss/", expect(404)),
    "public thread feed (Atom)": (lambda w: url_of(w.question, "feed/"), expect(200)),
    "public thread feed (RSS)": (lambda w: url_of(w.question, "rss/"), expect(200)),
    "staff-only thread feed (Atom)": (lambda w: url_of(w.secret, "feed/"), expect(404)),
    "staff-only thread feed (RSS)": (lambda w: url_of(w.secret, "rss/"), expect(404)),
    "hidden thread feed": (lambda w: url_of(w.hidden, "feed/"), expect(404)),
    "vote, by GET": (lambda w: f"/p/{w.reply.pk}/vote/", expect(405, visitor=LOGIN)),
    "preview, by GET": (lambda w: "/preview/", expect(405, visitor=LOGIN)),
}


@pytest.mark.parametrize("page", PAGES)
def test_each_person_gets_the_expected_status_for_each_page(world, page, client):
    url, expected = PAGES[page]

    actual = {role: outcome(client_for(world, role, client).get(url(world))) for role in ROLES}

    assert actual == expected


def seen_by(world, client, url, *texts) -> dict:
    """For each person, which of `texts` the page at `url` shows them."""
    pages = {role: client_for(world, role, client).get(url).content.decode() for role in ROLES}
    return {role: tuple(text in page for text in texts) for role, page in pages.items()}


def only_staff_see_the_secret(*always):
    """Everyone sees `always` texts; only staff, moderators and admins see the staff-only one."""
    return {role: (*always, role in STAFF_ROLES) for role in ROLES}


def test_the_staff_only_category_and_its_threads_are_on_home_only_for_staff(world, client):
    assert seen_by(world, client, "/", "Public question about lamps", "Staff room") == only_staff_see_the_secret(True)
    assert seen_by(world, client, "/", "Secret roadmap") == only_staff_see_the_secret()


def test_a_tag_page_lists_staff_only_threads_only_for_staff(world, client):
    seen = seen_by(world, client, "/tags/shared/", "Public question about lamps", "Secret roadmap")

    assert seen == only_staff_see_the_secret(True)


def test_the_new_thread_form_offers_the_staff_only_category_only_to_staff(world, client):
    seen = seen_by(world, client, "/t/new/", ">Help<", ">Staff room<")

    assert seen == {**only_staff_see_the_secret(True), "visitor": (False, False), "suspended": (False, False)}


@pytest.mark.parametrize("feed", ["/feeds/latest/atom/", "/feeds/latest/"])
def test_the_latest_feed_never_carries_staff_only_or_hidden_threads_even_for_staff(world, feed, client):
    seen = seen_by(world, client, feed, "Public question about lamps", "Secret roadmap", "moderators hid")

    assert seen == dict.fromkeys(ROLES, (True, False, False))


# Actions -----------------------------------------------------------------------------------


@dataclass
class Action:
    url: object  # world -> url
    data: dict
    statuses: dict
    done: object  # (world, person) -> whether the action's row is there
    prepare: object = None  # (world, person) -> None, before the request
    ok_location: object = None  # world -> where a successful action leads, if not checked by `done`


def _vote_exists(post_attr):
    return lambda w, who: who is not None and Vote.objects.filter(post=getattr(w, post_attr), voter=who).exists()


def _prepare_vote(w, who):
    if who is not None and who != w.opening.author:
        Vote.objects.create(post=w.opening, voter=who)  # directly: the suspended member votes "before" suspension


def _accepted(w, who):
    return Thread.objects.get(pk=w.question.pk).accepted_answer_id == w.reply.pk


def _prepare_accepted(w, who):
    services.accept_answer(post=w.reply, by=w.people["author"])


def _endorsed(w, who):
    return Post.objects.get(pk=w.reply.pk).endorsed_by_id is not None


def _prepare_endorsed(w, who):
    services.endorse_reply(post=w.reply, by=w.people["stan"])


def _muted(thread_attr):
    return lambda w, who: Follow.objects.filter(thread=getattr(w, thread_attr), member=who, level="muted").exists()


def _replied(thread_attr):
    return lambda w, who: Post.objects.filter(thread=getattr(w, thread_attr), body="A reply from the matrix.").exists()


def _lock(w, who):
    Thread.objects.filter(pk=w.question.pk).update(is_locked=True)


def _edited(post_attr):
    return lambda w, who: Post.objects.get(pk=getattr(w, post_attr).pk).body == "Edited by the matrix."


def _thread_started(w, who):
    return Thread.objects.filter(title="Started by the matrix").exists()


NEW_THREAD = {"title": "Started by the matrix", "body": "Hello.", "tags": ""}
ACTIONS = {
    "vote on the author's opening post": Action(
        url=lambda w: f"/p/{w.opening.pk}/vote/",
        data={"action": "cast"},
        statuses=expect(OK, visitor=LOGIN, author=403, suspended=403),
        done=_vote_exists("opening"),
    ),
    "take a vote back": Action(
        url=lambda w: f"/p/{w.opening.pk}/vote/",
        data={"action": "retract"},
        statuses=expect(OK, visitor=LOGIN, suspended=403),
        done=lambda w, who: who is not None and not Vote.objects.filter(post=w.opening, voter=who).exists(),
        prepare=_prepare_vote,
    ),
    "vote on a staff-only post": Action(
        url=lambda w: f"/p/{w.secret_post.pk}/vote/",
        data={"action": "cast"},
        statuses=staff_only(OK, visitor=LOGIN),
        done=_vote_exists("secret_post"),
    ),
    "vote with an unknown action": Action(
        url=lambda w: f"/p/{w.reply.pk}/vote/",
        data={"action": "boost"},
        statuses=expect(400, visitor=LOGIN),
        done=lambda w, who: False,
    ),
    "accept a reply as the answer": Action(
        url=lambda w: f"/p/{w.reply.pk}/accept/",
        data={"action": "accept"},
        statuses=expect(OK, visitor=LOGIN, member=403, suspended=403),
        done=_accepted,
    ),
    "clear the accepted answer": Action(
        url=lambda w: f"/p/{w.reply.pk}/accept/",
        data={"action": "clear"},
        statuses=expect(OK, visitor=LOGIN, member=403, suspended=403),
        done=lambda w, who: not _accepted(w, who),
        prepare=_prepare_accepted,
    ),
    "endorse a member's reply": Action(
        url=lambda w: f"/p/{w.reply.pk}/endorse/",
        data={"action": "endorse"},
        statuses=expect(403, visitor=LOGIN, staff=OK, admin=OK),
        done=_endorsed,
    ),
    "withdraw an endorsement": Action(
        url=lambda w: f"/p/{w.reply.pk}/endorse/",
        data={"action": "withdraw"},
        statuses=expect(403, visitor=LOGIN, staff=OK, admin=OK),
        done=lambda w, who: not _endorsed(w, who),
        prepare=_prepare_endorsed,
    ),
    # Following is reading, not posting: a suspended member may still follow and mute.
    "mute a public thread": Action(
        url=lambda w: url_of(w.question, "follow/"),
        data={"action": "mute"},
        statuses=expect(OK, visitor=LOGIN),
        done=_muted("question"),
    ),
    "mute a staff-only thread": Action(
        url=lambda w: url_of(w.secret, "follow/"),
        data={"action": "mute"},
        statuses=staff_only(OK, visitor=LOGIN),
        done=_muted("secret"),
    ),
    "reply to a public thread": Action(
        url=lambda w: url_of(w.question, "reply/"),
        data={"body": "A reply from the matrix."},
        statuses=expect(OK, visitor=LOGIN, suspended=403),
        done=_replied("question"),
    ),
    "reply to a locked thread": Action(
        url=lambda w: url_of(w.question, "reply/"),
        data={"body": "A reply from the matrix."},
        statuses=staff_only(OK, refused=403, visitor=LOGIN),
        done=_replied("question"),
        prepare=_lock,
    ),
    "reply to a staff-only thread": Action(
        url=lambda w: url_of(w.secret, "reply/"),
        data={"body": "A reply from the matrix."},
        statuses=staff_only(OK, visitor=LOGIN),
        done=_replied("secret"),
    ),
    "edit the author's opening post": Action(
        url=lambda w: f"/p/{w.opening.pk}/edit/",
        data={"title": "Public question about lamps", "body": "Edited by the matrix.", "tags": "shared"},
        statuses=expect(OK, visitor=LOGIN, member=403, suspended=403),
        done=_edited("opening"),
    ),
    "edit a staff-only post": Action(
        url=lambda w: f"/p/{w.secret_post.pk}/edit/",
        data={"title": "Secret roadmap for next year", "body": "Edited by the matrix.", "tags": ""},
        statuses=staff_only(OK, visitor=LOGIN),
        done=_edited("secret_post"),
    ),
    "start a thread in a public category": Action(
        url=lambda w: "/t/new/",
        data={**NEW_THREAD, "category": "PUBLIC"},
        statuses=expect(OK, visitor=LOGIN, suspended=403),
        done=_thread_started,
    ),
    "start a thread in the staff-only category": Action(
        url=lambda w: "/t/new/",
        data={**NEW_THREAD, "category": "STAFF"},
        statuses=staff_only(OK, refused=400, visitor=LOGIN, suspended=403),
        done=_thread_started,
    ),
    "preview Markdown": Action(
        url=lambda w: "/preview/",
        data={"body": "**bold**"},
        statuses=expect(200, visitor=LOGIN),
        done=lambda w, who: False,
    ),
}


def _form_data(world, data):
    ids = {"PUBLIC": world.public_category.pk, "STAFF": world.staff_category.pk}
    return {key: ids.get(value, value) for key, value in data.items()}


def try_action(world, action, role, client):
    """Do the action as `role` and tell what came of it; every row it wrote is rolled back after."""
    savepoint = transaction.savepoint()
    try:
        who = world.people[role]
        if action.prepare:
            action.prepare(world, who)
        response = client_for(world, role, client).post(action.url(world), _form_data(world, action.data))
        result, done = outcome(response), action.done(world, who)
        if result == 302 and done:
            return OK
        if done:
            return f"{result}, yet the row was written"
        return "302 but nothing written" if result == 302 else result
    finally:
        transaction.savepoint_rollback(savepoint)


@pytest.mark.parametrize("name", ACTIONS)
def test_each_person_gets_the_expected_answer_for_each_action_and_only_allowed_rows_are_written(world, name, client):
    action = ACTIONS[name]

    actual = {role: try_action(world, action, role, client) for role in ROLES}

    assert actual == action.statuses


def test_an_action_asked_for_as_json_answers_with_the_new_state(world, client):
    response = client_for(world, "member", client).post(
        f"/p/{world.reply.pk}/vote/", {"action": "cast"}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 200
    assert response.json() == {"ok": True, "score": 1, "voted": True}


def test_a_thread_everyone_reads_is_one_each_person_may_read_and_no_other_is(world):
    """permissions.everyone_reads lets a fan-out skip asking for each reader: it must never
    answer yes for a thread someone may not read (a staff-only one, a hidden one, a deleted one)."""
    threads = {
        name: Thread.objects.select_related("category").get(pk=thread.pk)
        for name, thread in {"public": world.question, "staff-only": world.secret, "hidden": world.hidden}.items()
    }
    threads["deleted"] = Thread.objects.select_related("category").get(pk=world.question.pk)
    threads["deleted"].visibility = Visibility.DELETED
    readers = [AnonymousUser() if who is None else who for who in world.people.values()]

    everyone = {name for name, thread in threads.items() if permissions.everyone_reads(thread)}
    readable_by_all = {
        name for name, thread in threads.items() if all(permissions.can_read_thread(who, thread) for who in readers)
    }

    assert everyone == readable_by_all == {"public"}
