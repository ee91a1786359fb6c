"""Forum fixtures: categories of each kind and access, a thread factory, a suspended member, an event recorder.

Threads that tests read are made through forum.services, so every counter and
event is the one the site would produce.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from forum import events, services
from forum.models import Category


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Members are made by the dozen here; the hash algorithm is not what these tests check."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_posting_limits(settings):
    """Members here post many times a second; the flood limits are moderation's tests' business."""
    settings.POSTING_LIMITS = False


@pytest.fixture(scope="session")
def _request_handler():
    """One request handler for the whole run: building one loads every middleware and indexes the static files."""
    return Client().handler


@pytest.fixture
def client(_request_handler):
    """pytest-django's client, on the shared request handler."""
    client = Client()
    client.handler = _request_handler
    return client


@pytest.fixture
def make_category(db):
    def make(slug, *, kind=Category.Kind.DISCUSSION, access=Category.Access.PUBLIC, name=None, position=0):
        return Category.objects.create(
            slug=slug, name=name or slug.replace("-", " ").title(), kind=kind, access=access, position=position
        )

    return make


@pytest.fixture
def discussion(make_category):
    return make_category("general", name="General", position=1)


@pytest.fixture
def questions(make_category):
    return make_category("help", name="Help", kind=Category.Kind.QUESTIONS, position=2)


@pytest.fixture
def staff_category(make_category):
    return make_category("staff-room", name="Staff room", access=Category.Access.STAFF, position=3)


@pytest.fixture
def staff_questions(make_category):
    return make_category(
        "staff-questions", name="Staff questions", kind=Category.Kind.QUESTIONS, access=Category.Access.STAFF
    )


@pytest.fixture
def suspended_member(make_member):
    return make_member("sam", display_name="Sam Suspended", suspended_until=timezone.now() + timedelta(days=3))


@pytest.fixture
def make_thread(db):
    """start_thread, then post_reply for each (author, body) in `replies`."""
    counter = iter(range(1, 10_000))

    def make(*, category, author, title=None, body="What do you think?", tags=(), replies=()):
        thread = services.start_thread(
            category=category,
            author=author,
            title=title or f"A thread worth reading number {next(counter)}",
            body=body,
            tags=tags,
        )
        for reply_author, reply_body in replies:
            services.post_reply(thread=thread, author=reply_author, body=reply_body)
        thread.refresh_from_db()
        return thread

    return make


@dataclass
class Sent:
    signal: object
    kwargs: dict


@dataclass
class EventRecorder:
    sent: list[Sent] = field(default_factory=list)

    def of(self, signal) -> list[dict]:
        return [s.kwargs for s in self.sent if s.signal is signal]

    def names(self) -> list[str]:
        return [NAMES[s.signal] for s in self.sent]

    def clear(self):
        self.sent.clear()


NAMES = {
    signal: name
    for name, signal in vars(events).items()
    if isinstance(signal, type(events.thread_posted)) and not name.startswith("_")
}


@pytest.fixture
def sent_events():
    """Every forum domain event sent during the test, in order, with its keyword arguments."""
    recorder = EventRecorder()
    receivers = {}
    for signal in NAMES:

        def receive(sender, signal=signal, **kwargs):
            recorder.sent.append(Sent(signal, {"sender": sender, **kwargs}))

        receivers[signal] = receive
        signal.connect(receive, weak=False, dispatch_uid=f"test-recorder-{id(signal)}")
    yield recorder
    for signal in receivers:
        signal.disconnect(dispatch_uid=f"test-recorder-{id(signal)}")
