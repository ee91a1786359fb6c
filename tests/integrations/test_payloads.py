"""Each event's payload: the envelope (version, event, id, time) and its public fields, built from
what the services hold (no query of its own), never an email address or a reporter."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from forum import services
from forum.models import Thread
from ideas.services import set_idea_status
from integrations.models import Delivery
from moderation.reports import file_report

pytestmark = pytest.mark.django_db

SITE = settings.SITE_URL


@pytest.fixture
def question(make_thread, questions, member, other_member):
    return make_thread(
        category=questions, author=member, title="Why does my lamp flicker?", replies=[(other_member, "Loose bulb?")]
    )


def thread_posted(ctx):
    thread = ctx.make_thread(category=ctx.discussion, author=ctx.member, title="Hello lamps", body="**Bold** hello")
    return thread, {"thread": {"title": "Hello lamps"}, "post": {"excerpt": "Bold hello", "official": False}}


def reply_posted(ctx):
    post = services.post_reply(thread=ctx.question, author=ctx.other_member, body="Try a *new* bulb & see.")
    return ctx.question, {"post": {"id": post.pk, "excerpt": "Try a new bulb & see.", "author": {"username": "bruno"}}}


def official_response(ctx):
    post = services.post_reply(thread=ctx.question, author=ctx.staff_member, body="We are replacing it.")
    return ctx.question, {"post": {"id": post.pk, "official": True, "author": {"username": "sophie"}}}


def answer_accepted(ctx):
    answer = ctx.question.posts.get(is_opening=False)
    services.accept_answer(post=answer, by=ctx.member)
    return ctx.question, {"post": {"id": answer.pk}, "accepted_by": {"username": "alice", "name": "Alice Martin"}}


def report_filed(ctx):
    post = ctx.question.posts.get(is_opening=False)
    report = file_report(reporter=ctx.carol, reason="spam", text="carol's private words", post=post)
    data = {"report": {"id": report.pk, "reason": "spam", "target": "post", "auto_hidden": False}}
    return ctx.question, {**data, "post": {"id": post.pk}, "member": {"username": "bruno"}}


def target_breached(ctx):
    ctx.questions.response_target_hours = 2
    ctx.questions.save()
    services.notify_target_breaches(now=timezone.now() + timedelta(hours=3))
    return ctx.question, {"target_hours": 2, "assignee": None}


def idea_status_changed(ctx):
    set_idea_status(thread=ctx.idea, by=ctx.staff_member, status="planned", note="Planned for the spring release.")
    data = {"idea": {"id": ctx.idea.pk, "status": "planned", "previous_status": "new", "votes": 0}}
    return ctx.idea, {**data, "changed_by": {"username": "sophie"}, "note": {"official": True}}


def member_joined(ctx):
    password = "correct-horse-battery"
    data = {"username": "claire", "email": "claire@example.com", "password1": password, "password2": password}
    assert ctx.client.post(reverse("account_signup"), data).status_code == 302
    return None, {"member": {"username": "claire", "url": f"{SITE}/u/claire/"}}


EVENTS = {
    "thread.posted": thread_posted,
    "reply.posted": reply_posted,
    "official_response.posted": official_response,
    "answer.accepted": answer_accepted,
    "report.filed": report_filed,
    "response_target.breached": target_breached,
    "idea.status_changed": idea_status_changed,
    "member.joined": member_joined,
}


class Context:
    def __init__(self, request):
        for name in ("make_thread", "discussion", "questions", "question", "idea", "client"):
            setattr(self, name, request.getfixturevalue(name))
        for name in ("member", "other_member", "carol", "staff_member"):
            setattr(self, name, request.getfixturevalue(name))


def contains(actual, expected) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(contains(actual.get(k), v) for k, v in expected.items())
    return actual == expected


@pytest.mark.parametrize("event", EVENTS)
def test_each_event_s_payload_carries_its_public_fields(event, request, make_webhook):
    ctx = Context(request)
    make_webhook("all", staff_level=True, events=[event])
    thread, expected = EVENTS[event](ctx)

    [delivery] = Delivery.objects.filter(event=event)
    body = json.loads(delivery.payload)
    assert set(body) == {"version", "event", "id", "occurred_at", "data"}
    assert (body["version"], body["event"], len(body["id"])) == (1, event, 36)
    data = body["data"]
    assert contains(data, expected), data
    if thread is not None:
        thread = Thread.objects.get(pk=thread.pk)
        assert delivery.thread_id == thread.pk
        assert data["thread"]["id"] == thread.pk
        assert data["thread"]["url"] == f"{SITE}/t/{thread.slug}/{thread.pk}/"
        assert data["thread"]["category"]["slug"] == thread.category.slug
    for private in ("@example.com", "carol", "private words", "password"):
        assert private not in delivery.payload
