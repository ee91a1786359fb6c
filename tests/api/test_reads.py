"""Every read endpoint through the permission matrix: the site's rules, answered in JSON.

A staff-only category and its threads do not exist for members and visitors (404, absent
from lists); a hidden thread is read by its author and moderators; a hidden post is listed
for its author and moderators only; a revoked token is refused (401) rather than read as a
visitor's; a suspended member still reads.
"""

import pytest

from tests.api.conftest import ROLES, expect

SEES_STAFF = {"staff", "moderator"}


def statuses(api, world, path) -> dict:
    return {role: api.get(path, world.tokens[role]).status_code for role in ROLES}


def test_each_read_answers_each_role_as_the_site_does(api, world):
    secret, hidden, question = world.secret, world.hidden, world.question
    table = {
        "/categories": expect(200, revoked=401),
        "/categories/help": expect(200, revoked=401),
        "/categories/staff-questions": expect(404, staff=200, moderator=200, revoked=401),
        "/categories/staff-questions/threads": expect(404, staff=200, moderator=200, revoked=401),
        f"/threads/{question.pk}": expect(200, revoked=401),
        f"/threads/{secret.pk}": expect(404, staff=200, moderator=200, revoked=401),
        f"/threads/{hidden.pk}": expect(404, author=200, moderator=200, revoked=401),
        f"/posts/{world.members_reply.pk}": expect(200, revoked=401),
        f"/posts/{world.hidden_reply.pk}": expect(404, member=200, moderator=200, read_token=200, revoked=401),
        f"/posts/{secret.posts.get().pk}": expect(404, staff=200, moderator=200, revoked=401),
        "/members/alice": expect(200, revoked=401),
        "/members/nobody-here": expect(404, revoked=401),
        "/ideas": expect(200, revoked=401),
        f"/ideas/{world.idea.pk}": expect(200, revoked=401),
        f"/ideas/{question.pk}": expect(404, revoked=401),
    }

    assert {path: statuses(api, world, path) for path in table} == table


def test_lists_leave_out_what_a_role_may_not_read(api, world):
    def categories(role):
        return {c["slug"] for c in api.get("/categories", world.tokens[role]).json()}

    def posts(role):
        return [p["id"] for p in api.get(f"/threads/{world.question.pk}", world.tokens[role]).json()["posts"]]

    public = {"help", "ideas"}
    assert {role: categories(role) for role in ROLES if role != "revoked"} == {
        role: public | ({"staff-questions"} if role in SEES_STAFF else set()) for role in ROLES if role != "revoked"
    }
    opening, reply, hidden = world.question.posts.get(is_opening=True).pk, world.members_reply.pk, world.hidden_reply.pk
    sees_hidden = {"member", "moderator", "read token"}  # its author (bruno, with either token) and moderators
    assert {role: posts(role) for role in ROLES if role != "revoked"} == {
        role: [opening, reply, hidden] if role in sees_hidden else [opening, reply]
        for role in ROLES
        if role != "revoked"
    }


def test_a_members_public_fields_leave_out_their_email_and_show_staff_titles(api, world):
    alice = api.get("/members/alice").json()
    sophie = api.get("/members/sophie").json()

    assert alice == {
        "username": "alice",
        "display_name": "Alice Martin",
        "reputation": 0,
        "badges": {"gold": 0, "silver": 0, "bronze": 0},
        "is_brand_staff": False,
        "staff_title": None,
        "is_moderator": False,
        "url": alice["url"],
    }
    assert alice["url"].endswith("/u/alice/")
    assert (sophie["is_brand_staff"], sophie["staff_title"]) == (True, "Acme Support")
    assert "example.com" not in str(api.get(f"/threads/{world.question.pk}").content)


def test_a_closed_account_has_no_public_fields(api, world):
    world.people["author"].is_active = False
    world.people["author"].save(update_fields=["is_active"])

    assert api.get("/members/alice").status_code == 404


def test_a_thread_shows_its_posts_with_the_answer_and_the_official_response_marked(api, world):
    from forum import services

    official = services.post_reply(thread=world.question, author=world.people["staff"], body="Hold it for 5 s.")
    services.accept_answer(post=world.members_reply, by=world.people["author"])

    thread = api.get(f"/threads/{world.question.pk}").json()

    assert (thread["is_solved"], thread["accepted_answer_id"], thread["has_official_response"]) == (
        True,
        world.members_reply.pk,
        True,
    )
    assert thread["tags"] == ["lamp"]
    marks = {p["id"]: (p["is_answer"], p["is_official"]) for p in thread["posts"]}
    assert marks[world.members_reply.pk] == (True, False)
    assert marks[official.pk] == (False, True)


@pytest.mark.parametrize("order", ["activity", "created"])
def test_a_cursor_walks_every_thread_of_a_category_once(api, make_thread, questions, member, order):
    made = {make_thread(category=questions, author=member).pk for _ in range(7)}

    seen, cursor, pages = [], None, 0
    while True:
        page = api.get("/categories/help/threads", order=order, limit=3, **({"cursor": cursor} if cursor else {}))
        assert page.status_code == 200, page.content
        seen += [thread["id"] for thread in page.json()["items"]]
        cursor, pages = page.json()["next"], pages + 1
        if cursor is None:
            break

    assert (sorted(seen), len(seen), pages) == (sorted(made), 7, 3)
    assert seen == sorted(seen, reverse=True)  # newest first, in both orders here


def test_a_cursor_walks_a_threads_posts_in_order(api, make_thread, questions, member, other_member):
    thread = make_thread(
        category=questions, author=member, replies=[(other_member, f"Reply number {n}.") for n in range(5)]
    )

    first = api.get(f"/threads/{thread.pk}", limit=4).json()
    second = api.get(f"/threads/{thread.pk}", limit=4, cursor=first["next"]).json()

    ids = [p["id"] for p in first["posts"] + second["posts"]]
    assert ids == list(thread.posts.order_by("created_at", "id").values_list("pk", flat=True))
    assert (len(first["posts"]), first["posts"][0]["is_opening"], second["next"]) == (4, True, None)


@pytest.mark.parametrize("role", ["visitor", "member", "author", "moderator"])
def test_a_cursor_walks_the_posts_each_reader_may_read(api, world, role, carol, moderator):
    """Moderators read deleted and hidden posts, a hidden post's author (bruno, "member") reads
    it, and nobody else reads either, page after page."""
    from forum import services
    from forum.models import Post, Visibility
    from moderation import actions

    question = world.question
    replies = [services.post_reply(thread=question, author=carol, body=f"Reply number {n}.") for n in range(4)]
    actions.delete_post(post=replies[1], by=moderator, reason="Spam")
    order = list(question.posts.order_by("created_at", "id"))
    readable = {
        "visitor": [p.pk for p in order if p.visibility == Visibility.VISIBLE],
        "member": [p.pk for p in order if p.visibility != Visibility.DELETED],
        "moderator": [p.pk for p in order],
    }
    readable["author"] = readable["visitor"]
    assert Post.objects.get(pk=replies[1].pk).visibility == Visibility.DELETED

    seen, cursor = [], None
    for _page in range(len(order)):
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get(f"/threads/{question.pk}", world.tokens[role], **params).json()
        seen += [p["id"] for p in page["posts"]]
        if not (cursor := page["next"]):
            break

    assert seen == readable[role]


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "!!!",
        "W10",  # []
        "WyJ4IiwxXQ",  # ["x", 1]
        "WyIyMDI2LTAxLTAxVDAwOjAwOjAwIiwxXQ",  # a date with no time zone
        "WyIyMDI2LTAxLTAxVDAwOjAwOjAwKzAwOjAwIix0cnVlXQ",  # an id that is true
        "WyIyMDI2LTAxLTAxVDAwOjAwOjAwKzAwOjAwIiwxZTMwMF0",  # an id of 1e300
        "eyJhIjoxfQ",  # an object
        "x" * 300,
    ],
)
def test_a_malformed_cursor_is_a_400_with_a_message(api, world, cursor):
    for path in ("/categories/help/threads", f"/threads/{world.question.pk}", "/ideas"):
        response = api.get(path, cursor=cursor)

        assert response.status_code == 400, (path, response.content)
        assert "cursor" in response.json()["detail"]


def test_bad_parameters_are_answered_in_json(api, world):
    answers = [
        api.get("/categories/help/threads", limit=0),
        api.get("/categories/help/threads", order="sideways"),
        api.get("/threads/0"),
        api.get(f"/threads/{2**64}"),
        api.get("/ideas", status="someday"),
        api.get("/threads/12/nothing-here"),
        api.get("/threads/1", q="\x00"),
    ]

    assert [r.status_code for r in answers] == [422, 422, 422, 422, 422, 404, 400]
    assert all(r["Content-Type"].startswith("application/json") and "detail" in r.json() for r in answers)


def test_ideas_are_listed_with_their_status_and_votes(api, world, make_thread, member):
    from ideas import services

    services.vote_for_idea(thread=world.idea, member=world.people["member"])
    services.set_idea_status(thread=world.idea, by=world.people["staff"], status="planned", note="Coming in spring.")

    listed = api.get("/ideas", status="planned").json()["items"]
    none = api.get("/ideas", status="done").json()["items"]

    assert [(i["id"], i["status"], i["votes"]) for i in listed] == [(world.idea.pk, "planned", 1)]
    assert none == []
