"""204 and 304 answers carry no content, so they carry no Content-Type or Content-Length either."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# RFC 9110 8.6 and 15.3.5: no Content-Length in a 204; a 304 describes the stored response,
# not a body of its own. Content-Type describes content neither has.
BODILESS_STATUSES = frozenset({204, 304})
_CONTENT_HEADERS = frozenset({b"content-type", b"content-length"})


class BodilessResponseMiddleware:
    """Strips content headers (and any stray body) from 204 and 304 responses.

    A route returning None with status_code=204 still goes through its JSON response class,
    which adds Content-Type: application/json; fixing that here covers every route at once.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        bodiless = False

        async def send_bodiless(message: Message) -> None:
            nonlocal bodiless
            if message["type"] == "http.response.start" and message["status"] in BODILESS_STATUSES:
                bodiless = True
                headers = [
                    (key, value)
                    for key, value in message.get("headers", [])
                    if key.lower() not in _CONTENT_HEADERS
                ]
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body" and bodiless:
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_bodiless)
