"""What a rate-limit store module (store.py: memory or Redis, by the answer) hands the feature."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from app.core.breaker import CircuitBreaker
from app.features.rate_limit.limiter import Window

# How to release the store at shutdown (None: nothing of its own to release).
Close = Callable[[], Awaitable[None]] | None
# How /readyz checks that the store answers (None: a memory store cannot fail).
Probe = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class RateLimitStore:
    """The window to count in, how long one check may wait, and the store's lifecycle."""

    window: Window
    timeout: float | None  # None: the store answers in memory, no timeout needed
    close: Close
    probe: Probe | None
    breaker: CircuitBreaker | None  # a store that can fail (Redis) sits behind one
