"""What a caller of an upstream gets when it cannot answer: 503 or 504 problems, with a reason."""

from __future__ import annotations

from typing import ClassVar

from app.core.errors import ServiceError


class UpstreamUnavailable(ServiceError):
    """The upstream refused, reset or answered 502/503/504 on every attempt allowed."""

    status_code = 503
    outcome: ClassVar[str] = "unavailable"

    def __init__(self, upstream: str, reason: str, retry_after_seconds: int = 1) -> None:
        super().__init__(
            f"The {upstream} service is unavailable; retry in {retry_after_seconds} seconds.",
            headers={"Retry-After": str(retry_after_seconds)},
            log_reason=f"upstream {upstream}: {reason}",
        )
        self.upstream = upstream
        self.reason = reason


class UpstreamBreakerOpen(UpstreamUnavailable):
    """The upstream's breaker is open: failed at once, without connecting."""

    outcome: ClassVar[str] = "breaker_open"


class UpstreamTimeout(UpstreamUnavailable):
    """No answer within the upstream's timeouts or the time left before the request's deadline."""

    status_code = 504
    outcome: ClassVar[str] = "timeout"

    def __init__(self, upstream: str, reason: str) -> None:
        super().__init__(upstream, reason)
        self.detail = f"The {upstream} service did not answer in time; retry later."


class UpstreamNotConfigured(UpstreamUnavailable):
    """A route asked for an upstream whose base URL is not set."""

    outcome: ClassVar[str] = "not_configured"

    def __init__(self, upstream: str, variable: str) -> None:
        super().__init__(upstream, f"not configured: set {variable}")


class TransientUpstreamError(Exception):
    """One failed attempt that may succeed if repeated (internal: the client retries on it)."""

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out
