"""The single-process channel layer, with its expiry sweep made cheap.

Channels' in-memory layer sweeps every queue and every group membership for
expired entries on each `receive` and `group_send`. With a thousand sockets,
a reply that notifies a hundred followers sweeps several thousand entries
three hundred times. Here the same sweep runs at most once per second:
messages and memberships still expire, at most a second later than they
would have.

It is still one process only; several daphne processes need REDIS_URL. So it knows every
socket of the site, and tells which groups hold one (web.push.listened): a reply's pushes to
followers who have no page open are not built or sent.
"""

import time

from channels.layers import InMemoryChannelLayer

SWEEP_INTERVAL = 1.0  # seconds


class SweepingInMemoryChannelLayer(InMemoryChannelLayer):
    def __init__(self, *args, sweep_interval: float = SWEEP_INTERVAL, **kwargs):
        super().__init__(*args, **kwargs)
        self.sweep_interval = sweep_interval
        self._next_sweep = 0.0

    def _clean_expired(self):
        now = time.monotonic()
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.sweep_interval
        super()._clean_expired()

    async def flush(self):
        await super().flush()
        self._next_sweep = 0.0

    def listened(self, groups) -> set[str]:
        """Those of `groups` that hold a socket now (read from a request's thread: a lookup in the
        loop's dict, which a membership added or removed meanwhile changes atomically)."""
        return {group for group in groups if self.groups.get(group)}
