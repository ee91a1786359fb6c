"""Every write endpoint through the permission matrix: the site's checks and services, a
write token required (no session cookie, no read-only token), posting limits as on the site.
"""

import json

import pytest

from forum.models import Post
from ideas.models import Idea
from tests.api.conftest import ROLES, expect

# Brand staff's idea statuses, one per attempt, so that no attempt repeats the current one.
STATUSES = iter(["under_review", "planned", "in_progress", "done", "declined", "new"] * 3)


def attempts(api, world, path, payload=None) -> dict:
    return {role: api.post(path, payload, world.tokens[role]).status_code for role in ROLES}


def test_each_write_answers_each_role_as_the_site_does(api, world):
    question, locked, secret = world.question, world.locked, world.secret
    reply = {"body": "Try another outlet."}
    # No token: 401; a revoked one: 401; a read-only one: 403, whatever the thread.
    anyway = {"visitor": 401, "revoked": 401, "read_token": 403}
    refused = {**anyway, "suspended": 403}
    table = {
        f"/threads/{question.pk}/replies": expect(201, **refused),
        f"/threads/{locked.pk}/replies": expect(403, staff=201, moderator=201, **anyway),
        f"/threads/{secret.pk}/replies": expect(404, staff=201, moderator=201, **anyway),
        f"/threads/{world.hidden.pk}/replies": expect(404, author=201, moderator=201, **anyway),
        f"/threads/{question.pk}/official-responses": expect(403, staff=201, **anyway),
        f"/posts/{world.members_reply.pk}/accept": expect(200, member=403, **refused),
        f"/posts/{world.hidden_reply.pk}/accept": expect(404, member=403, moderator=403, **anyway),
    }

    answers = {path: attempts(api, world, path, reply) for path in table}

    assert answers == table
    # Brand staff reply in their own name here: the official response has its own endpoint.
    officials = Post.objects.filter(thread=question, author=world.people["staff"]).values_list("is_official", flat=True)
    assert sorted(officials) == [False, True]


def test_only_brand_staff_set_an_ideas_status(api, world):
    path = f"/ideas/{world.idea.pk}/status"

    answers = {
        role: api.post(path, {"status": next(STATUSES), "note": "We looked at it closely."}, world.tokens[role])
        for role in ROLES
    }

    assert {role: answer.status_code for role, answer in answers.items()} == expect(
        403, staff=200, visitor=401, revoked=401
    )
    idea = Idea.objects.get(pk=world.idea.pk)
    assert answers["staff"].json()["status"] == idea.status
    assert idea.status_changes.count() == 1


def test_a_reply_is_written_as_the_site_writes_it(api, world):
    response = api.post(f"/threads/{world.question.pk}/replies", {"body": "**Unplug** it."}, world.tokens["member"])

    post = Post.objects.get(pk=response.json()["id"])
    assert (post.author, post.body, post.is_official) == (world.people["member"], "**Unplug** it.", False)
    assert response.json()["body_html"] == "<p><strong>Unplug</strong> it.</p>\n"
    world.question.refresh_from_db()
    assert world.question.reply_count == 3


def test_an_accepted_answer_is_the_threads_answer(api, world):
    response = api.post(f"/posts/{world.members_reply.pk}/accept", token=world.tokens["author"])

    assert (response.status_code, response.json()["accepted_answer_id"]) == (200, world.members_reply.pk)
    world.question.refresh_from_db()
    assert world.question.accepted_answer_id == world.members_reply.pk


def test_a_session_cookie_does_not_write(api, world, client):
    client.force_login(world.people["author"])

    response = api.post(f"/threads/{world.question.pk}/replies", {"body": "Through my browser's session."})

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert not Post.objects.filter(body="Through my browser's session.").exists()


@pytest.mark.parametrize(
    ("payload", "status", "words"),
    [
        ({"body": ""}, 400, "Write a message first"),
        ({"body": "   \n "}, 400, "Write a message first"),
        ({"body": "a\x00b"}, 400, "NUL"),
        ({"body": "x" * 50_001}, 400, "at most"),
        ({}, 422, "body"),
        ({"body": 12}, 422, "body"),
        ("{not json", 400, ""),
        ("[]", 422, ""),
    ],
)
def test_bad_input_is_a_4xx_with_a_message_and_writes_nothing(api, world, payload, status, words):
    raw = payload if isinstance(payload, str) else json.dumps(payload)
    before = Post.objects.count()

    response = api.post(f"/threads/{world.question.pk}/replies", token=world.tokens["member"], raw=raw)

    assert response.status_code == status, response.content
    assert words in json.dumps(response.json()["detail"])
    assert Post.objects.count() == before


def test_an_ideas_status_needs_a_note_and_a_known_status(api, world):
    path, token = f"/ideas/{world.idea.pk}/status", world.tokens["staff"]

    short = api.post(path, {"status": "planned", "note": "Soon."}, token)
    unknown = api.post(path, {"status": "duplicate", "note": "Merged by hand somewhere."}, token)

    assert (short.status_code, unknown.status_code) == (400, 422)
    assert "Say in a sentence why" in short.json()["detail"]
    assert Idea.objects.get(pk=world.idea.pk).status == "new"


def test_the_posting_limits_apply_with_retry_after(api, world, settings):
    settings.POSTING_LIMITS = True
    path, token = f"/threads/{world.question.pk}/replies", world.tokens["member"]

    first = api.post(path, {"body": "One reply."}, token)
    second = api.post(path, {"body": "And another one at once."}, token)

    assert (first.status_code, second.status_code) == (201, 429)
    assert int(second["Retry-After"]) >= 1
    assert "wait" in second.json()["detail"]
