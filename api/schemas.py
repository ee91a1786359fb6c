"""What the API's answers and requests hold (the OpenAPI schema is generated from these), and
how a row becomes an answer: explicit dicts, so that nothing is read that is not listed here
(no email, no staff-only field) and no attribute access can query."""

from datetime import datetime
from typing import Literal

from django.conf import settings
from ninja import Field, Schema
from pydantic import BaseModel

from ideas.models import CHOSEN, Status
from profiles import roles
from web.addresses import address


class Answer(BaseModel):
    """What the API answers: checked as it leaves, from the plain dicts that the functions below
    make. Not ninja's Schema, which reads any object's attributes through a wrapper of its own,
    for each nested item: a fifth of the cost of a thread's answer (twenty posts, their authors
    and badges), for dicts that need none of it. Requests' bodies are Schemas."""


class Error(Answer):
    detail: str | list = Field(description="What was wrong: a message, or the invalid fields (422).")


class Badges(Answer):
    gold: int
    silver: int
    bronze: int


class Member(Answer):
    username: str
    display_name: str
    reputation: int
    badges: Badges
    is_brand_staff: bool
    staff_title: str | None = Field(description="The brand staff's public title; null for anyone else.")
    is_moderator: bool
    url: str


class Category(Answer):
    slug: str
    name: str
    description: str
    kind: Literal["discussion", "questions", "ideas"]
    staff_only: bool
    colour: str
    thread_count: int
    post_count: int
    url: str


class Thread(Answer):
    id: int
    title: str
    category: str = Field(description="The category's slug.")
    author: Member
    tags: list[str]
    created_at: datetime
    last_activity_at: datetime
    reply_count: int
    score: int
    is_pinned: bool
    is_locked: bool
    is_solved: bool
    accepted_answer_id: int | None
    has_official_response: bool
    url: str


class Post(Answer):
    id: int
    thread_id: int
    author: Member
    is_opening: bool
    body: str = Field(description="The Markdown as written.")
    body_html: str = Field(description="The Markdown rendered and sanitized, as the site shows it.")
    created_at: datetime
    edited_at: datetime | None
    score: int
    is_official: bool
    is_answer: bool
    endorsed_by: Member | None
    visibility: Literal["visible", "hidden", "deleted"] = Field(
        description="hidden: shown to its author and moderators only; deleted: to moderators only."
    )
    url: str


class ThreadPage(Answer):
    items: list[Thread]
    next: str | None = Field(description="The cursor of the next page; null on the last.")


class ThreadWithPosts(Thread):
    posts: list[Post]
    next: str | None = Field(description="The cursor of the next page of posts; null on the last.")


class Idea(Answer):
    id: int = Field(description="The idea's thread id.")
    title: str
    category: str
    author: Member
    tags: list[str]
    status: Literal[tuple(Status.values)]  # type: ignore[valid-type]
    status_changed_at: datetime | None
    votes: int
    merged_into: int | None
    created_at: datetime
    url: str


class IdeaPage(Answer):
    items: list[Idea]
    next: str | None


class SearchResult(Answer):
    thread_id: int
    title: str
    category: str
    post_id: int
    snippet: str = Field(description="HTML: the text around the words found, escaped, with <mark> around them.")
    created_at: datetime
    url: str


class SearchPage(Answer):
    items: list[SearchResult]
    page: int
    pages: int
    count: int = Field(description="Threads found (posts, with type=posts).")
    some_words: bool = Field(description="No post had every word: these have some of them.")


class ReplyIn(Schema):
    body: str = Field(description="Markdown, as in the site's composer.", max_length=60_000)


class StatusIn(Schema):
    status: Literal[tuple(CHOSEN)]  # type: ignore[valid-type]
    note: str = Field(
        description="Why, in a sentence: posted in the thread as an official response.", max_length=60_000
    )


def _url(path: str) -> str:
    return settings.SITE_URL + path


def member_out(member) -> dict:
    """A member's public fields, from api.selectors.MEMBER_FIELDS only."""
    held = roles.role_names(member)
    staff = "staff" in held or "admin" in held
    return {
        "username": member.username,
        "display_name": member.name,
        "reputation": member.reputation,
        "badges": {"gold": member.gold_badges, "silver": member.silver_badges, "bronze": member.bronze_badges},
        "is_brand_staff": staff,
        "staff_title": (member.staff_title or None) if staff else None,
        "is_moderator": "moderator" in held or "admin" in held,
        "url": _url(address("profiles:profile", member.username)),
    }


def category_out(category) -> dict:
    return {
        "slug": category.slug,
        "name": category.local_name,
        "description": category.local_description,
        "kind": category.kind,
        "staff_only": category.is_staff_only,
        "colour": category.colour,
        "thread_count": category.thread_count,
        "post_count": category.post_count,
        "url": _url(category.get_absolute_url()),
    }


def thread_out(thread) -> dict:
    return {
        "id": thread.pk,
        "title": thread.title,
        "category": thread.category.slug,
        "author": member_out(thread.author),
        "tags": [tag.name for tag in thread.tag_list],
        "created_at": thread.created_at,
        "last_activity_at": thread.last_activity_at,
        "reply_count": thread.reply_count,
        "score": thread.score,
        "is_pinned": thread.is_pinned,
        "is_locked": thread.is_locked,
        "is_solved": thread.accepted_answer_id is not None,
        "accepted_answer_id": thread.accepted_answer_id,
        "has_official_response": thread.has_official_response,
        "url": _url(thread.get_absolute_url()),
    }


def post_out(post, accepted_answer_id: int | None) -> dict:
    return {
        "id": post.pk,
        "thread_id": post.thread_id,
        "author": member_out(post.author),
        "is_opening": post.is_opening,
        "body": post.body,
        "body_html": post.body_html,
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "score": post.score,
        "is_official": post.is_official,
        "is_answer": post.pk == accepted_answer_id,
        "endorsed_by": member_out(post.endorsed_by) if post.endorsed_by_id else None,
        "visibility": post.visibility,
        "url": _url(post.get_absolute_url()),
    }


def idea_out(idea) -> dict:
    thread = idea.thread
    return {
        "id": idea.pk,
        "title": thread.title,
        "category": thread.category.slug,
        "author": member_out(thread.author),
        "tags": [tag.name for tag in thread.tag_list],
        "status": idea.status,
        "status_changed_at": idea.status_changed_at,
        "votes": idea.votes,
        "merged_into": idea.merged_into_id,
        "created_at": thread.created_at,
        "url": _url(thread.get_absolute_url()),
    }
