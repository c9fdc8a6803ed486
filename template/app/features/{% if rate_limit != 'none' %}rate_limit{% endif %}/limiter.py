"""Counts hits with the `limits` library and reports what a client has left in its window."""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem
from limits.aio.storage import Storage
from limits.aio.strategies import (
    FixedWindowRateLimiter,
    MovingWindowRateLimiter,
    RateLimiter,
    SlidingWindowCounterRateLimiter,
)
from limits.errors import StorageError

from app.features.rate_limit.settings import Strategy

STRATEGIES: dict[Strategy, type[RateLimiter]] = {
    "moving-window": MovingWindowRateLimiter,
    "sliding-window": SlidingWindowCounterRateLimiter,
    "fixed-window": FixedWindowRateLimiter,
}


class LimiterUnavailable(Exception):
    """The counter store failed or answered too slowly."""


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_after: int  # whole seconds until the window frees capacity again

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_after),
        }


class Limiter:
    def __init__(self, storage: Storage, strategy: Strategy, timeout: float | None) -> None:
        self.storage = storage
        self.strategy = STRATEGIES[strategy](storage)
        self.timeout = timeout

    async def hit(self, limit: RateLimitItem, *identifiers: str) -> Decision:
        """Count one request against `limit`; LimiterUnavailable if the store fails."""
        try:
            async with asyncio.timeout(self.timeout):
                allowed = await self.strategy.hit(limit, *identifiers)
                stats = await self.strategy.get_window_stats(limit, *identifiers)
        except (StorageError, OSError, TimeoutError) as error:
            raise LimiterUnavailable(repr(error)) from error
        reset_after = max(1, math.ceil(stats.reset_time - time.time()))
        return Decision(allowed, limit.amount, max(0, stats.remaining), reset_after)
