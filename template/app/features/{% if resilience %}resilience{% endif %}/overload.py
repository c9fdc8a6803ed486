"""Load shedding: at most N requests in flight, a bounded short queue, 503 at once beyond it.

So the requests admitted keep their latency under overload instead of every request slowing
down until all of them time out.
"""

from __future__ import annotations

import asyncio
from collections import deque

from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.problems import note_log_reason, problem_response
from app.features.resilience.deadline import EXEMPT_PATHS
from app.features.resilience.stats import ResilienceStats

SERVICE_UNAVAILABLE = 503


class Admission:
    """Counts requests in flight; waiters queue in arrival order for at most `max_wait` s."""

    def __init__(self, max_in_flight: int, max_queued: int, max_wait: float) -> None:
        self.max_in_flight = max_in_flight
        self.max_queued = max_queued
        self.max_wait = max_wait
        self.in_flight = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def enter(self) -> bool:
        """True once admitted; False (at once, or after max_wait) if the request is shed."""
        if self.in_flight < self.max_in_flight and not self._waiters:
            self.in_flight += 1
            return True
        if len(self._waiters) >= self.max_queued or self.max_wait == 0:
            return False
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout(self.max_wait):
                await waiter
        except BaseException as stopped:  # the wait timed out, or the request was cancelled
            self._pass_on_if_handed(waiter)
            if isinstance(stopped, TimeoutError):
                return False
            raise
        return True  # the slot was handed over by leave()

    def _pass_on_if_handed(self, waiter: asyncio.Future[None]) -> None:
        # leave() may hand this waiter its slot in the same loop turn as the timeout or the
        # cancellation fires; the waiter then never runs its request, so without this the slot
        # would count as in flight for good, and enough of them shed every request thereafter.
        if waiter in self._waiters:
            self._waiters.remove(waiter)
        elif waiter.done() and not waiter.cancelled():
            self.leave()

    def leave(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # hand this slot to the oldest waiter
                return
        self.in_flight -= 1


class OverloadMiddleware:
    def __init__(
        self, app: ASGIApp, admission: Admission, retry_after: int, stats: ResilienceStats
    ) -> None:
        self.app = app
        self.admission = admission
        self.retry_after = retry_after
        self.stats = stats

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        if not await self.admission.enter():
            self.stats.shed()
            note_log_reason(scope, "shed: too many requests in flight")
            response = problem_response(
                scope,
                SERVICE_UNAVAILABLE,
                f"The service is at capacity; retry in {self.retry_after} seconds.",
                headers={"Retry-After": str(self.retry_after)},
            )
            await response(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.admission.leave()
