"""HTTP metrics middleware: counts and times requests by route template, never by raw path."""

from __future__ import annotations

import time
from collections.abc import Collection

from prometheus_client.metrics import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.features.metrics.instruments import HTTP_DURATION, HTTP_IN_PROGRESS, HTTP_REQUESTS

# Paths no route matched share one label value, so scanners probing random URLs add no series.
UNMATCHED_ROUTE = "unmatched"
OTHER_METHOD = "OTHER"
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, skip_paths: Collection[str] = ()) -> None:
        self.app = app
        self.skip_paths = frozenset(skip_paths)
        # labels() takes a lock and hashes its arguments on every call; label sets are few and
        # fixed, so their children are looked up once and kept.
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.skip_paths:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        # An exception escaping the app becomes a 500 further out (UnhandledErrorMiddleware).
        status = 500

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        HTTP_IN_PROGRESS.inc()
        try:
            await self.app(scope, receive, recording_send)
        finally:
            HTTP_IN_PROGRESS.dec()
            self._record(scope, status, time.perf_counter() - started)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        method = scope["method"] if scope["method"] in KNOWN_METHODS else OTHER_METHOD
        # The router stores the matched route in the scope; its path is the template.
        route = getattr(scope.get("route"), "path", None) or UNMATCHED_ROUTE
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:
            children = (
                HTTP_REQUESTS.labels(method, route, str(status)),
                HTTP_DURATION.labels(method, route),
            )
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)
