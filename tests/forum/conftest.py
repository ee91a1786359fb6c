"""Forum fixtures: categories of each kind and access, a thread factory, a suspended member, an event recorder.

Threads that tests read are made through forum.services, so every counter and
event is the one the site would produce.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.utils import timezone

from forum import events


@pytest.fixture(autouse=True)
def _no_posting_limits(settings):
    """Members here post many times a second; the flood limits are moderation's tests' business."""
    settings.POSTING_LIMITS = False


@pytest.fixture
def suspended_member(make_member):
    return make_member("sam", display_name="Sam Suspended", suspended_until=timezone.now() + timedelta(days=3))


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
