"""The API's people and content: one of each role, each with a write token, and the threads
that the permission matrices read and write (tests/api/test_reads.py, test_writes.py)."""

import json
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.utils import timezone

from api import services
from forum import services as forum_services
from forum.models import Post, Thread, Visibility

# The people of the matrices; "read token" is the member's read-only token, "revoked" a token
# of theirs revoked since.
ROLES = ("visitor", "member", "author", "staff", "moderator", "suspended", "read token", "revoked")


@dataclass
class World:
    tokens: dict
    people: dict
    question: Thread
    members_reply: Post  # carla's, on the question
    hidden_reply: Post  # bruno's, hidden by moderators
    locked: Thread
    secret: Thread  # in the staff-only category
    hidden: Thread  # alice's, hidden by moderators
    idea: Thread
    categories: dict = field(default_factory=dict)


class Api:
    """The test client, speaking JSON with a bearer token."""

    def __init__(self, client):
        self.client = client

    def _headers(self, token):
        return {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, token=None, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self._headers(token))

    def post(self, path, payload=None, token=None, *, raw=None):
        data = raw if raw is not None else json.dumps(payload or {})
        return self.client.post(
            f"/api/v1{path}", data=data, content_type="application/json", headers=self._headers(token)
        )


@pytest.fixture
def api(client):
    return Api(client)


def token_for(member, scope="read+write") -> str:
    return services.create_token(member=member, name=f"{member.username}'s {scope}", scope=scope)[1]


@pytest.fixture
def world(
    make_member,
    make_thread,
    questions,
    staff_questions,
    ideas_category,
    member,
    other_member,
    carol,
    staff_member,
    moderator,
):
    sam = make_member("sam", display_name="Sam Suspended")
    question = make_thread(
        category=questions,
        author=member,
        title="Why does my lamp blink twice?",
        tags=["lamp"],
        replies=[(carol, "Reset it with the button.")],
    )
    members_reply = question.posts.get(author=carol)
    hidden_reply = forum_services.post_reply(thread=question, author=other_member, body="Buy another brand.")
    Post.objects.filter(pk=hidden_reply.pk).update(visibility=Visibility.HIDDEN)
    locked = make_thread(category=questions, author=member, title="A locked question about lamps")
    Thread.objects.filter(pk=locked.pk).update(is_locked=True)
    secret = make_thread(category=staff_questions, author=staff_member, title="Next year's secret lamp")
    hidden = make_thread(category=questions, author=member, title="A question moderators hid")
    Thread.objects.filter(pk=hidden.pk).update(visibility=Visibility.HIDDEN)
    idea = make_thread(category=ideas_category, author=member, title="Let scenes follow the sunset")
    sam.suspended_until = timezone.now() + timedelta(days=7)
    sam.save(update_fields=["suspended_until"])
    people = {
        "visitor": None,
        "member": other_member,
        "author": member,
        "staff": staff_member,
        "moderator": moderator,
        "suspended": sam,
        "read token": other_member,
        "revoked": other_member,
    }
    tokens = {role: token_for(person) for role, person in people.items() if person and role in ROLES[:6]}
    tokens["visitor"] = None
    tokens["read token"] = token_for(other_member, "read")
    revoked = token_for(other_member)
    services.revoke_token(token=services.token_for(revoked), by=other_member)
    tokens["revoked"] = revoked
    return World(
        tokens=tokens,
        people=people,
        question=question,
        members_reply=members_reply,
        hidden_reply=hidden_reply,
        locked=locked,
        secret=secret,
        hidden=hidden,
        idea=idea,
        categories={"public": questions, "staff": staff_questions, "ideas": ideas_category},
    )


def expect(default, **by_role) -> dict:
    """The answer each role gets: `default`, or by_role's (roles with spaces: read_token)."""
    by_role = {name.replace("_", " "): value for name, value in by_role.items()}
    assert set(by_role) <= set(ROLES), set(by_role) - set(ROLES)
    return {role: by_role.get(role, default) for role in ROLES}
