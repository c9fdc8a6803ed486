"""Load shedding: at most N requests in flight, a bounded short queue, 503 at once beyond it.

So the requests admitted keep their latency under overload instead of every request slowing
down until all of them time out.

The middleware is the outermost layer of the app, and a shed request gets a prebuilt answer:
no tracing span, request id, security-header pass or access-log line. Under a load of 12 x
capacity, 95 % of the requests are shed; when each of them still paid for those layers, the
sheds took the CPU and the admitted requests fell to about a third of capacity (load profile
`load`, production preset, 2 cores: docs/features/resilience.md has the figures). Sheds are
counted (metrics) and logged in aggregate: one line per SHED_LOG_INTERVAL_SECONDS at most.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.logging import get_logger
from app.core.problems import PROBLEM_MEDIA_TYPE, status_phrase
from app.features.resilience.deadline import EXEMPT_PATHS
from app.features.resilience.stats import ResilienceStats

SERVICE_UNAVAILABLE = 503
SHED_LOG_INTERVAL_SECONDS = 10.0

logger = get_logger("app.resilience.overload")


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


class ShedLog:
    """While requests are shed, one warning line per interval saying how many (not one each)."""

    def __init__(self, interval: float = SHED_LOG_INTERVAL_SECONDS) -> None:
        self.interval = interval
        self.unlogged = 0
        self._since = time.monotonic()
        self._last_line = float("-inf")

    def shed(self) -> None:
        if not self.unlogged:
            self._since = time.monotonic()  # over_seconds counts from the first unlogged shed
        self.unlogged += 1
        self.flush_if_due()

    def flush_if_due(self) -> None:
        """Log the sheds counted so far if the last line is at least `interval` old."""
        now = time.monotonic()
        if now - self._last_line < self.interval:
            return
        if self.unlogged:
            logger.warning(
                "requests shed: too many in flight",
                shed=self.unlogged,
                over_seconds=round(now - self._since, 1),
            )
        self.unlogged = 0
        self._last_line = now


def shed_response_messages(retry_after: int) -> tuple[Message, Message]:
    """The 503 problem+json a shed request gets, built once: the same for every such request."""
    detail = f"The service is at capacity; retry in {retry_after} seconds."
    problem = {"title": status_phrase(SERVICE_UNAVAILABLE), "status": SERVICE_UNAVAILABLE}
    body = json.dumps({**problem, "detail": detail}, separators=(",", ":")).encode()
    headers = [
        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(retry_after).encode()),
        (b"cache-control", b"no-store"),
        (b"x-content-type-options", b"nosniff"),
    ]
    start: Message = {
        "type": "http.response.start",
        "status": SERVICE_UNAVAILABLE,
        "headers": headers,
    }
    return start, {"type": "http.response.body", "body": body}


class OverloadMiddleware:
    """The app's outermost layer (see the module docstring): admits, queues briefly, or sheds."""

    def __init__(
        self, app: ASGIApp, admission: Admission, retry_after: int, stats: ResilienceStats
    ) -> None:
        self.app = app
        self.admission = admission
        self.stats = stats
        self.shed_log = ShedLog()
        self._shed_start, self._shed_body = shed_response_messages(retry_after)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        if not await self.admission.enter():
            self.stats.shed()
            self.shed_log.shed()
            await send(self._shed_start)
            await send(self._shed_body)
            return
        if self.shed_log.unlogged:
            self.shed_log.flush_if_due()  # the last sheds of an overload, once it is over
        try:
            await self.app(scope, receive, send)
        finally:
            self.admission.leave()
