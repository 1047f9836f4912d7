"""In-memory sliding-window rate limits (per connection, per client address).

They protect the server from floods; limits that must survive a restart or
span processes (ideas per participant) are counted in the database instead.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque


class RateLimiter:
    """At most ``count`` hits per ``seconds`` for each key; count 0 disables it."""

    def __init__(self, count: int, seconds: int, clock=time.monotonic):
        self.count, self.seconds, self.clock = count, seconds, clock
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, key: str) -> bool:
        """Record a hit for ``key``; False when it is over the limit (the hit is not recorded)."""
        if self.count <= 0:
            return True
        now = self.clock()
        hits = self._hits[key]
        while hits and hits[0] <= now - self.seconds:
            hits.popleft()
        if len(hits) >= self.count:
            return False
        hits.append(now)
        return True

    def blocked(self, key: str) -> bool:
        """True when ``key`` is at its limit now (nothing is recorded): check first, ``record`` failures only."""
        if self.count <= 0:
            return False
        now = self.clock()
        hits = self._hits.get(key)
        while hits and hits[0] <= now - self.seconds:
            hits.popleft()
        return bool(hits) and len(hits) >= self.count

    def record(self, key: str) -> None:
        """Count a hit for ``key`` (e.g. a failed login) without checking."""
        if self.count > 0:
            self._hits[key].append(self.clock())

    def forget(self, key: str) -> None:
        """Drop a key's history (a closed connection)."""
        self._hits.pop(key, None)
