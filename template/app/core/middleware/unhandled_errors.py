"""Catch-all middleware: database outages become 503, other exceptions a generic 500, logged."""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.database_outage import RETRY_AFTER_SECONDS, UNAVAILABLE_DETAIL, outage_reason
from app.core.logging import get_logger
from app.core.problems import (
    GENERIC_500_DETAIL,
    INTERNAL_SERVER_ERROR,
    note_log_reason,
    problem_response,
)
from app.core.shutdown import SHUTDOWN_DETAIL, SHUTDOWN_RETRY_AFTER_SECONDS, drain_deadline

logger = get_logger("app.errors")
SERVICE_UNAVAILABLE = 503


class UnhandledErrorMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response_started = False

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except asyncio.CancelledError:
            if not drain_deadline.passed or response_started:
                raise
            current = asyncio.current_task()
            if current is not None:
                current.uncancel()  # handled: what follows must not look cancelled
            # The server gave up waiting for this request at shutdown: answer it rather than
            # let the connection drop, and end normally so the server logs no traceback.
            note_log_reason(scope, "shutting down: the drain timeout ended first")
            response = problem_response(
                scope,
                SERVICE_UNAVAILABLE,
                SHUTDOWN_DETAIL,
                headers={
                    "Retry-After": str(SHUTDOWN_RETRY_AFTER_SECONDS),
                    "Connection": "close",
                },
            )
            await response(scope, receive, send)
        except Exception as error:
            # Database errors raised outside app.core.database's sessions are outages too.
            reason = outage_reason(error)
            if reason is not None and not response_started:
                note_log_reason(scope, f"database unavailable: {reason}")
                response = problem_response(
                    scope,
                    SERVICE_UNAVAILABLE,
                    UNAVAILABLE_DETAIL,
                    headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
                )
                await response(scope, receive, send)
                return
            logger.exception("unhandled exception", method=scope["method"], path=scope["path"])
            if response_started:
                # Too late for an error body; the server closes the connection instead.
                raise
            response = problem_response(scope, INTERNAL_SERVER_ERROR, GENERIC_500_DETAIL)
            await response(scope, receive, send)
