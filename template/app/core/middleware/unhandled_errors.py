"""Catch-all middleware: an unexpected exception becomes a generic 500 problem, logged."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.logging import get_logger
from app.core.problems import GENERIC_500_DETAIL, INTERNAL_SERVER_ERROR, problem_response

logger = get_logger("app.errors")


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
        except Exception:
            logger.exception("unhandled exception", method=scope["method"], path=scope["path"])
            if response_started:
                # Too late for an error body; the server closes the connection instead.
                raise
            response = problem_response(scope, INTERNAL_SERVER_ERROR, GENERIC_500_DETAIL)
            await response(scope, receive, send)
