"""Counts a client's hits in its window and reports what it has left (X-RateLimit headers)."""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass
from typing import Protocol

from limits import RateLimitItem
from limits.aio.storage import Storage
from limits.aio.strategies import (
    FixedWindowRateLimiter,
    MovingWindowRateLimiter,
    RateLimiter,
    SlidingWindowCounterRateLimiter,
)
from limits.errors import StorageError

from app.core.breaker import CircuitBreaker
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


@dataclass(frozen=True)
class WindowState:
    """A client's window right after a hit was counted (or refused)."""

    allowed: bool
    remaining: int
    frees_in_seconds: float  # until the window has room for another hit


class Window(Protocol):
    async def hit(self, limit: RateLimitItem, *identifiers: str) -> WindowState:
        """Count one hit against `limit` unless it is used up; raise StorageError on failure."""
        ...


class LimitsWindow:
    """Any `limits` strategy on any `limits` storage: record the hit, then read the window."""

    def __init__(self, storage: Storage, strategy: Strategy) -> None:
        self.strategy = STRATEGIES[strategy](storage)

    async def hit(self, limit: RateLimitItem, *identifiers: str) -> WindowState:
        allowed = await self.strategy.hit(limit, *identifiers)
        stats = await self.strategy.get_window_stats(limit, *identifiers)
        return WindowState(allowed, stats.remaining, stats.reset_time - time.time())


class Limiter:
    """Checks hits against the store, behind the store's breaker when it has one (Redis).

    With the breaker open a check fails at once, without touching the store, and the fail-open
    or fail-closed policy answers; a frozen Redis then costs the first few checks their timeout
    instead of every check.
    """

    def __init__(
        self, window: Window, timeout: float | None, breaker: CircuitBreaker | None = None
    ) -> None:
        self.window = window
        self.timeout = timeout
        self.breaker = breaker

    async def hit(self, limit: RateLimitItem, *identifiers: str) -> Decision:
        """Count one request against `limit`; LimiterUnavailable if the store fails."""
        breaker = self.breaker
        if breaker is not None and not breaker.allow():
            raise LimiterUnavailable(breaker.describe())
        try:
            async with asyncio.timeout(self.timeout):
                state = await self.window.hit(limit, *identifiers)
        except (StorageError, OSError, TimeoutError) as error:
            if breaker is not None:
                breaker.failure(error)
            raise LimiterUnavailable(repr(error)) from error
        if breaker is not None:
            breaker.success()
        reset_after = max(1, math.ceil(state.frees_in_seconds))
        return Decision(state.allowed, limit.amount, max(0, state.remaining), reset_after)
