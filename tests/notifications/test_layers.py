"""The single-process channel layer: cheap to push through, and expiry still happens."""

import asyncio

import pytest
from channels import layers as channels_layers
from channels.layers import InMemoryChannelLayer

from notifications import layers as notifications_layers
from notifications.layers import SweepingInMemoryChannelLayer


class Clock:
    """The layers' time, moved by the test instead of waited for (the event loop keeps the real one)."""

    def __init__(self):
        self.now = 1_000_000.0

    def advance(self, seconds: float):
        self.now += seconds

    def time(self) -> float:
        return self.now

    monotonic = time


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(channels_layers, "time", clock)
    monkeypatch.setattr(notifications_layers, "time", clock)
    return clock


@pytest.fixture
def layer():
    return SweepingInMemoryChannelLayer(expiry=0.05, group_expiry=3600, sweep_interval=0.2)


async def test_a_group_send_reaches_every_member_of_the_group(layer):
    channels = [await layer.new_channel() for _ in range(3)]
    for channel in channels:
        await layer.group_add("member.1", channel)
    outsider = await layer.new_channel()

    await layer.group_send("member.1", {"type": "relay", "n": 1})

    for channel in channels:
        assert await asyncio.wait_for(layer.receive(channel), 1) == {"type": "relay", "n": 1}
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(layer.receive(outsider), 0.1)


async def test_pushes_between_sweeps_do_not_sweep(layer, monkeypatch):
    sweeps = []
    original = InMemoryChannelLayer._clean_expired
    monkeypatch.setattr(InMemoryChannelLayer, "_clean_expired", lambda self: sweeps.append(1) or original(self))
    channel = await layer.new_channel()
    await layer.group_add("everyone", channel)

    for n in range(50):
        await layer.group_send("everyone", {"type": "relay", "n": n})
        await layer.receive(channel)

    # Channels' own layer would have swept a hundred times; this one once.
    assert len(sweeps) == 1


async def test_an_expired_message_is_still_dropped_with_its_channel_group_memberships(layer, clock):
    stale = await layer.new_channel()
    await layer.group_add("thread.9", stale)
    await layer.send(stale, {"type": "relay", "n": "old"})

    clock.advance(0.25)  # past the message's expiry and the sweep interval
    fresh = await layer.new_channel()
    await layer.group_add("thread.9", fresh)
    await layer.group_send("thread.9", {"type": "relay", "n": "new"})

    # The sweep dropped the unread, expired message and took its channel out of the group,
    # as channels' own layer does; the fresh member gets the new message.
    assert await asyncio.wait_for(layer.receive(fresh), 1) == {"type": "relay", "n": "new"}
    assert stale not in layer.groups.get("thread.9", {})
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(layer.receive(stale), 0.1)


async def test_flush_forgets_channels_and_groups_and_sweeps_again_at_once(layer):
    channel = await layer.new_channel()
    await layer.group_add("everyone", channel)
    await layer.group_send("everyone", {"type": "relay"})

    await layer.flush()

    assert layer.channels == {} and layer.groups == {}
    assert layer._next_sweep == 0.0
