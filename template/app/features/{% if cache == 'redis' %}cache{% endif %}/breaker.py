"""Remembers that Redis failed: requests skip it while one background task probes it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable

from app.core.logging import get_logger

logger = get_logger("app.cache")
# CACHE_RETRY_INTERVAL_SECONDS=0 still leaves the event loop room between probes.
MIN_RETRY_INTERVAL = 0.05
Recover = Callable[[], Awaitable[None]]


class Breaker:
    """Closed: requests use Redis. Open (after a failure): requests skip it without waiting.

    While open, a single background task (never a request) runs `recover` every `retry_interval`
    seconds: it probes Redis and does the work the cache owes it (missed invalidations). Only
    when that succeeds does the breaker close, so requests never pay for a Redis that is down,
    restarting, or still loading its data.
    """

    def __init__(self, retry_interval: float, recover: Recover) -> None:
        self.retry_interval = max(retry_interval, MIN_RETRY_INTERVAL)
        self._recover = recover
        self.failed_since: float | None = None
        self.last_error = ""
        self._task: asyncio.Task[None] | None = None

    @property
    def closed(self) -> bool:
        return self.failed_since is None

    def failure(self, error: BaseException) -> bool:
        """Open (or keep open) the breaker; True when this failure starts an outage."""
        self.last_error = f"{type(error).__name__}: {error}".strip().rstrip(":")
        starts = self.failed_since is None
        if starts:
            self.failed_since = time.monotonic()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._probe_until_recovered())
        return starts

    def describe(self) -> str:
        """Why the cache is bypassed, for readiness and logs."""
        age = time.monotonic() - (self.failed_since or time.monotonic())
        return f"bypassed for {age:.1f}s, reading the database ({self.last_error})"

    async def _probe_until_recovered(self) -> None:
        while True:
            await asyncio.sleep(self.retry_interval)
            try:
                await self._recover()
            except Exception as error:  # whatever failed, stay open and probe again
                self.last_error = f"{type(error).__name__}: {error}".strip().rstrip(":")
                continue
            outage = time.monotonic() - (self.failed_since or time.monotonic())
            self.failed_since = None
            logger.info("cache available again", outage_seconds=round(outage, 3))
            return

    async def aclose(self) -> None:
        """Stop probing (at shutdown)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None
