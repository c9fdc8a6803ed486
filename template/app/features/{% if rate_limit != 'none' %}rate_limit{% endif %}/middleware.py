"""ASGI middleware that applies the rate-limit policies and adds X-RateLimit-* headers."""

from __future__ import annotations

import re
import time

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.logging import get_logger
from app.core.problems import problem_response
from app.core.settings import parse_networks
from app.features.rate_limit.client_identity import client_ip, is_allowlisted, user_identity
from app.features.rate_limit.limiter import Limiter, LimiterUnavailable
from app.features.rate_limit.policy import Policies
from app.features.rate_limit.settings import RateLimitSettings
from app.features.rate_limit.stats import RateLimitStats

logger = get_logger("app.rate_limit")
# Probes and scrapes must keep working however busy a client is.
EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
TOO_MANY_REQUESTS = 429
SERVICE_UNAVAILABLE = 503
# While the store is down every request fails the same way: log at most this often.
FAILURE_LOG_INTERVAL_SECONDS = 10.0
UNMATCHED = "unmatched"


class RouteTemplates:
    """Finds the route template of a path (a bounded metric label) before routing has run.

    Built on first use from the OpenAPI paths, which hold every documented route's template.
    """

    def __init__(self) -> None:
        self._patterns: list[tuple[re.Pattern[str], str]] | None = None

    def of(self, scope: Scope) -> str:
        if self._patterns is None:
            app = scope.get("app")
            paths = app.openapi().get("paths", {}) if isinstance(app, FastAPI) else {}
            self._patterns = [(compile_path(path)[0], path) for path in paths]
        path = scope["path"]
        return next(
            (template for regex, template in self._patterns if regex.match(path)), UNMATCHED
        )


class RateLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        limiter: Limiter,
        settings: RateLimitSettings,
        stats: RateLimitStats,
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.policies = Policies(settings)
        self.allowlist = parse_networks(settings.allowlist)
        self.fail_open = settings.fail_open
        self.prefix = settings.key_prefix
        self.stats = stats
        self._last_failure_log = 0.0
        self.routes = RouteTemplates()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        address = client_ip(scope)
        if is_allowlisted(address, self.allowlist):
            await self.app(scope, receive, send)
            return
        user = user_identity(scope)
        client = f"user:{user}" if user is not None else f"ip:{address}"
        policy = self.policies.for_request(scope["method"], scope["path"])
        try:
            decision = await self.limiter.hit(policy.limit, self.prefix, policy.name, client)
        except LimiterUnavailable as error:
            await self._store_failed(error, scope, receive, send)
            return
        headers = decision.headers()
        if not decision.allowed:
            self.stats.record("rejections", self.routes.of(scope))
            headers["Retry-After"] = str(decision.reset_after)
            detail = (
                f"Rate limit of {policy.limit} exceeded; retry in {decision.reset_after} seconds."
            )
            response = problem_response(scope, TOO_MANY_REQUESTS, detail, headers=headers)
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _store_failed(
        self, error: LimiterUnavailable, scope: Scope, receive: Receive, send: Send
    ) -> None:
        self.stats.record("backend_errors")
        now = time.monotonic()
        if now - self._last_failure_log >= FAILURE_LOG_INTERVAL_SECONDS:
            self._last_failure_log = now
            logger.warning(
                "rate limit store unavailable",
                error=str(error),
                action="allowing requests" if self.fail_open else "refusing requests",
            )
        if self.fail_open:
            await self.app(scope, receive, send)
            return
        detail = "Rate limiting is unavailable; retry shortly."
        response = problem_response(
            scope, SERVICE_UNAVAILABLE, detail, headers={"Retry-After": "1"}
        )
        await response(scope, receive, send)
