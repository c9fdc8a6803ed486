"""Access log middleware: one structured line per request, without the health probes' noise."""

from __future__ import annotations

import time
from collections.abc import Collection

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.logging import get_logger
from app.core.problems import log_reason_of

logger = get_logger("app.access")


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp, skip_paths: Collection[str] = ()) -> None:
        self.app = app
        self.skip_paths = frozenset(skip_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.skip_paths:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        # If the app fails before answering, the server answers 500 for it.
        status = 500

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            route = scope.get("route")
            client = scope.get("client")
            log = logger.info if status < 500 else logger.error
            # Failures the app explained (e.g. a database outage) say why here, on this one line.
            reason = log_reason_of(scope)
            extra = {"error": reason} if reason is not None else {}
            log(
                "request",
                method=scope["method"],
                route=getattr(route, "path", None),
                path=scope["path"],
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
                client=client[0] if client else None,
                **extra,
            )
