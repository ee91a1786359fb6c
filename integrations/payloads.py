"""What a delivery says: version 1 of the payloads, built from the objects the events carry.

Only public, stable fields: ids, absolute URLs on SITE_URL, usernames and display names, titles,
plain-text excerpts, times. Never an email address, a reporter, a report's text, or anything a
visitor could not read on a public page (staff-level webhooks also receive what staff read).
Built from what the services hold already, so that a payload costs no query.

    {"version": 1, "event": "reply.posted", "id": "<uuid>", "occurred_at": "<ISO 8601>", "data": {...}}
"""

import html
import json
import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from web.addresses import address

VERSION = 1
EXCERPT_CHARS = 280


def envelope(event: str, data: dict) -> str:
    """The body of every delivery of one event: the same bytes for each webhook, one id."""
    body = {
        "version": VERSION,
        "event": event,
        "id": str(uuid.uuid4()),
        "occurred_at": timezone.now(),
        "data": data,
    }
    return json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def member(member) -> dict | None:
    if member is None:
        return None
    return {
        "id": member.pk,
        "username": member.username,
        "name": member.name,
        "url": absolute(address("profiles:profile", member.username)),
    }


def excerpt(post) -> str:
    """The post as plain text, as a reader sees it, cut at a word."""
    text = " ".join(html.unescape(strip_tags(post.body_html)).split())
    return Truncator(text).chars(EXCERPT_CHARS)


def thread(thread) -> dict:
    category = thread.category
    return {
        "id": thread.pk,
        "title": thread.title,
        "url": absolute(thread.get_absolute_url()),
        "created_at": thread.created_at,
        "category": {
            "id": category.pk,
            "slug": category.slug,
            "name": category.name,
            "url": absolute(category.get_absolute_url()),
        },
    }


def post(post) -> dict:
    return {
        "id": post.pk,
        "url": absolute(post.get_absolute_url()),
        "author": member(post.author),
        "created_at": post.created_at,
        "official": post.is_official,
        "excerpt": excerpt(post),
    }


def thread_posted(thread_, post_) -> dict:
    return {"thread": thread(thread_), "post": post(post_)}


def reply_posted(post_) -> dict:
    return {"thread": thread(post_.thread), "post": post(post_)}


def answer_accepted(thread_, post_, by) -> dict:
    return {"thread": thread(thread_), "post": post(post_), "accepted_by": member(by)}


def report_filed(report, auto_hidden: bool) -> dict:
    """For staff-level webhooks only; still without the reporter or their words."""
    return {
        "report": {
            "id": report.pk,
            "reason": report.reason,
            "target": report.target.split(":", 1)[0],
            "auto_hidden": auto_hidden,
            "created_at": report.created_at,
        },
        "thread": thread(report.thread) if report.thread_id else None,
        "post": post(report.post) if report.post_id else None,
        "member": member(report.member) if report.member_id else None,
    }


def target_breached(thread_) -> dict:
    return {
        "thread": thread(thread_),
        "target_hours": thread_.category.response_target_hours,
        "waiting_since": thread_.created_at,
        "assignee": member(thread_.assignee),
    }


def idea_status_changed(idea, previous: str, by, note) -> dict:
    return {
        "thread": thread(note.thread),
        "idea": {"id": idea.pk, "status": idea.status, "previous_status": previous, "votes": idea.votes},
        "note": post(note),
        "changed_by": member(by),
    }


def member_joined(member_) -> dict:
    return {"member": {**member(member_), "joined_at": member_.date_joined}}


def ping(webhook) -> dict:
    return {"webhook": {"id": webhook.pk, "name": webhook.name}, "site": absolute("/")}
