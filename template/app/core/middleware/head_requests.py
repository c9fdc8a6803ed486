"""HEAD answered wherever GET is: the GET response's status and headers, without its body."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadRequestMiddleware:
    """Routes HEAD as GET (RFC 9110 9.3.2), then drops the body.

    FastAPI routes declare only the methods they are given, so HEAD got a 405 from every
    GET route. Running the GET keeps the headers identical, Content-Length and ETag included.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        body_sent = False

        async def send_without_body(message: Message) -> None:
            nonlocal body_sent
            if message["type"] == "http.response.start":
                # Middleware further out reads the method as it sends: it is still a HEAD.
                scope["method"] = "HEAD"
            elif message["type"] == "http.response.body":
                if body_sent:
                    return
                body_sent = True
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        # The scope is changed in place, not copied: the router records the matched route in it
        # and the access log and metrics read that back.
        scope["method"] = "GET"
        try:
            await self.app(scope, receive, send_without_body)
        finally:
            scope["method"] = "HEAD"
