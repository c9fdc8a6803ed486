"""Body size limit middleware: 413 for bodies over MAX_REQUEST_BODY_BYTES, declared or streamed."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.problems import problem_response

PAYLOAD_TOO_LARGE = 413


class RequestBodyTooLarge(HTTPException):
    # An HTTPException, because FastAPI re-raises those from body parsing (other errors become 400)
    # and the exception handlers answer it: a 413 problem even from deep inside request.body().
    def __init__(self, limit: int) -> None:
        super().__init__(PAYLOAD_TOO_LARGE, f"Request body exceeds the limit of {limit} bytes")


class BodySizeLimitMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            error = RequestBodyTooLarge(self.max_body_bytes)
            await problem_response(scope, PAYLOAD_TOO_LARGE, error.detail)(scope, receive, send)
            return

        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise RequestBodyTooLarge(self.max_body_bytes)
            return message

        await self.app(scope, counting_receive, send)


def _content_length(scope: Scope) -> int | None:
    for key, value in scope["headers"]:
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
