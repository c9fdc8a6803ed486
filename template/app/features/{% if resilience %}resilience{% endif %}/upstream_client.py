"""An outgoing HTTP client for one upstream: timeouts, safe retries within a budget, a breaker.

Retries (stamina) only for idempotent methods and transient failures: refused or reset
connections, timeouts, 502/503/504. Backoff is exponential with full jitter (a uniform wait
between 0 and the exponential bound), returned to stamina by the retry hook. Every retry also
needs a token from the upstream's `RetryBudget`, and none is made while the breaker is open.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

import httpx
import stamina

from app.core.breaker import CircuitBreaker
from app.features.resilience.deadline import remaining_seconds
from app.features.resilience.retry_budget import RetryBudget
from app.features.resilience.stats import ResilienceStats
from app.features.resilience.upstream_errors import (
    TransientUpstreamError,
    UpstreamBreakerOpen,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from app.features.resilience.upstream_settings import UpstreamOptions

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
TRANSIENT_STATUSES = frozenset({502, 503, 504})
# Not LocalProtocolError or UnsupportedProtocol: those are our bugs, and repeating cannot help.
TRANSIENT_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


def full_jitter(retry: int, initial: float, cap: float) -> float:
    """Wait before retry number `retry` (1-based): uniform in [0, min(cap, initial * 2^(n-1))]."""
    return random.uniform(0, min(cap, initial * 2 ** (retry - 1)))  # noqa: S311 - not a secret


class UpstreamClient:
    """`await client.get("/path")`: an httpx.Response, or an UpstreamUnavailable (503/504)."""

    def __init__(
        self,
        settings: UpstreamOptions,
        breaker: CircuitBreaker,
        stats: ResilienceStats,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.name = settings.name
        self.settings = settings
        self.breaker = breaker
        self.stats = stats
        self.budget = RetryBudget(settings.retry_budget_ratio, settings.retry_budget_burst)
        self.http = httpx.AsyncClient(
            base_url=settings.base_url,
            timeout=httpx.Timeout(
                connect=settings.connect_timeout_seconds,
                read=settings.read_timeout_seconds,
                write=settings.write_timeout_seconds,
                pool=settings.pool_timeout_seconds,
            ),
            limits=httpx.Limits(max_connections=settings.max_connections),
            transport=transport,
        )

    async def get(self, url: str, **options: Any) -> httpx.Response:
        return await self.request("GET", url, **options)

    async def post(self, url: str, **options: Any) -> httpx.Response:
        return await self.request("POST", url, **options)

    async def put(self, url: str, **options: Any) -> httpx.Response:
        return await self.request("PUT", url, **options)

    async def delete(self, url: str, **options: Any) -> httpx.Response:
        return await self.request("DELETE", url, **options)

    async def request(self, method: str, url: str, **options: Any) -> httpx.Response:
        """Send `method url` (httpx keyword arguments in `options`) with this upstream's rules."""
        self.budget.record_call()
        try:
            response = await self._call(method.upper(), url, options)
        except UpstreamUnavailable as error:
            self.stats.upstream_call(self.name, error.outcome)
            raise
        self.stats.upstream_call(self.name, "ok")
        return response

    async def aclose(self) -> None:
        await self.http.aclose()

    def seconds_left(self) -> float:
        """The total timeout, or less when the current request's deadline comes first."""
        left = remaining_seconds()
        total = self.settings.total_timeout_seconds
        return total if left is None else min(total, left)

    async def _call(self, method: str, url: str, options: dict[str, Any]) -> httpx.Response:
        seconds = self.seconds_left()
        if seconds <= 0:
            raise UpstreamTimeout(self.name, "no time left before the request's deadline")
        retries = 0

        def retry_after(error: Exception) -> bool | float:
            nonlocal retries
            if not isinstance(error, TransientUpstreamError) or method not in IDEMPOTENT_METHODS:
                return False
            # stamina asks before it checks its own stop rules: the last attempt asks too.
            if retries + 1 >= self.settings.retry_attempts or self.breaker.state == "open":
                return False
            initial = self.settings.retry_backoff_initial_seconds
            wait = full_jitter(retries + 1, initial, self.settings.retry_backoff_max_seconds)
            if loop.time() + wait >= ends_at:
                return False  # no time left for another attempt: give up now, not at the deadline
            if not self.budget.try_spend():
                self.stats.retry_budget_exhausted(self.name)
                return False
            retries += 1
            self.stats.upstream_retry(self.name)
            return wait

        loop = asyncio.get_running_loop()
        ends_at = loop.time() + seconds
        deadline = asyncio.timeout_at(ends_at)
        try:
            async with deadline:
                async for attempt in stamina.retry_context(
                    on=retry_after, attempts=self.settings.retry_attempts, timeout=seconds
                ):
                    with attempt:
                        return await self._attempt(method, url, options)
        except TimeoutError as error:
            if not deadline.expired():
                raise
            reason = f"{method} {url}: no answer in {seconds:.3g}s"
            raise UpstreamTimeout(self.name, reason) from error
        except TransientUpstreamError as error:
            detail = f"{method} {url}: {error} ({retries} retries)"
            if error.timed_out:
                raise UpstreamTimeout(self.name, detail) from error
            raise UpstreamUnavailable(self.name, detail) from error
        raise AssertionError("stamina ends with a return or an exception")  # pragma: no cover

    async def _attempt(self, method: str, url: str, options: dict[str, Any]) -> httpx.Response:
        if not self.breaker.allow():
            raise UpstreamBreakerOpen(
                self.name, self.breaker.describe(), self.breaker.retry_after()
            )
        try:
            response = await self.http.request(method, url, **options)
        except TRANSIENT_ERRORS as error:
            self.breaker.failure(error)
            timed_out = isinstance(error, httpx.TimeoutException)
            raise TransientUpstreamError(_describe(error), timed_out=timed_out) from error
        except asyncio.CancelledError:
            # Cut off by the deadline: a slow answer is a failure, and a half-open trial must
            # end (success or failure) or the breaker would wait for it forever.
            self.breaker.failure(TimeoutError("no answer before the deadline"))
            raise
        if response.status_code in TRANSIENT_STATUSES:
            failure = TransientUpstreamError(f"answered {response.status_code}")
            self.breaker.failure(failure)
            raise failure
        self.breaker.success()
        return response


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}".strip().rstrip(":")
