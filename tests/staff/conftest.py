"""Staff workspace fixtures: question categories (with and without a target), threads and replies at chosen times.

Threads, replies and accepted answers go through forum.services, so every
counter, event and notification is the one the site would write; only their
timestamps are moved afterwards (`.update(created_at=...)`), which is how a
test says "this question was asked three days ago".
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from forum import services
from forum.models import Category, Post, Thread


@pytest.fixture
def make_category(db):
    def make(slug, *, kind=Category.Kind.QUESTIONS, access=Category.Access.PUBLIC, target=None, position=0, name=None):
        return Category.objects.create(
            slug=slug,
            name=name or slug.replace("-", " ").title(),
            kind=kind,
            access=access,
            response_target_hours=target,
            position=position,
        )

    return make


@pytest.fixture
def questions(make_category):
    """Public questions with a 24-hour response target."""
    return make_category("help", target=24, position=1)


@pytest.fixture
def ideas(make_category):
    """Public questions without a target."""
    return make_category("how-to", position=2)


@pytest.fixture
def discussion(make_category):
    return make_category("general", kind=Category.Kind.DISCUSSION, position=3)


@pytest.fixture
def staff_questions(make_category):
    return make_category("internal-questions", access=Category.Access.STAFF, target=8, position=4)


@pytest.fixture
def colleague(make_member):
    return make_member("yann", display_name="Yann Leroy", staff=True, title="Acme Support")


@pytest.fixture
def ask(db):
    """Start a thread through the service; `at` moves it (and its opening post) back in time."""
    counter = iter(range(1, 100_000))

    def make(*, category, author, at=None, title=None, tags=()):
        thread = services.start_thread(
            category=category,
            author=author,
            title=title or f"How do I set up the widget, case {next(counter)}?",
            body="It does not work the way the manual says.",
            tags=tags,
        )
        if at is not None:
            Thread.objects.filter(pk=thread.pk).update(created_at=at, last_activity_at=at)
            Post.objects.filter(thread=thread, is_opening=True).update(created_at=at)
            thread.refresh_from_db()
        return thread

    return make


@pytest.fixture
def reply(db):
    """Reply through the service, `after` the thread was created; an official reply moves first_official_at too."""

    def make(thread, author, *, after=None, body="Have you tried turning it off and on again?"):
        post = services.post_reply(thread=thread, author=author, body=body)
        if after is not None:
            thread.refresh_from_db()
            moment = thread.created_at + after
            Post.objects.filter(pk=post.pk).update(created_at=moment)
            if post.is_official and thread.first_official_at == post.created_at:
                Thread.objects.filter(pk=thread.pk).update(first_official_at=moment)
            post.created_at = moment
        return post

    return make


@pytest.fixture
def accept(db):
    """Accept a reply through the service, `after` the thread was created."""

    def make(post, by, *, after=None):
        thread = services.accept_answer(post=post, by=by)
        if after is not None:
            Thread.objects.filter(pk=thread.pk).update(accepted_at=thread.created_at + after)
        return thread

    return make


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def days_ago(n: float, now=None):
    return (now or timezone.now()) - timedelta(days=n)
