"""Remembers that Redis just failed, so requests skip it for a while instead of each timing out."""

from __future__ import annotations

import time


class Breaker:
    """Open for `retry_interval` seconds after a failure; then a request tries Redis again."""

    def __init__(self, retry_interval: float) -> None:
        self.retry_interval = retry_interval
        self._open_until = 0.0
        self.failed_since: float | None = None

    @property
    def closed(self) -> bool:
        return time.monotonic() >= self._open_until

    def failure(self) -> None:
        self._open_until = time.monotonic() + self.retry_interval
        if self.failed_since is None:
            self.failed_since = time.monotonic()

    def success(self) -> bool:
        """Record a working call; True when it ends an outage."""
        recovered = self.failed_since is not None
        self.failed_since = None
        return recovered
