"""gzip for clients that accept it (Starlette's GZipMiddleware); others pass straight through.

Starlette builds a responder for every request, re-normalising its list of excluded content
types and parsing the response headers, even when the client sent no Accept-Encoding: gzip.
That was 10 us of the 64 us of CPU a GET /healthz cost in process (benchmarks/asgi_cpu.py of the
shipyard template repository, with and without the gzip layer); benchmarks/compression.py here
measures the layer alone. Here such requests skip it; their responses still say
`Vary: Accept-Encoding`, so a shared cache does not hand an uncompressed copy to every client.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def accepts_gzip(scope: Scope) -> bool:
    """Whether the first Accept-Encoding header names gzip (Starlette's own test)."""
    for name, value in scope["headers"]:
        if name == b"accept-encoding":
            return b"gzip" in value
    return False


def with_vary_accept_encoding(headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The raw headers, their Vary naming Accept-Encoding (added, or appended to the one there)."""
    headers = list(headers)
    for index, (name, value) in enumerate(headers):
        if name.lower() == b"vary":
            if b"accept-encoding" not in value.lower():
                headers[index] = (name, value + b", Accept-Encoding")
            return headers
    headers.append((b"vary", b"Accept-Encoding"))
    return headers


class CompressionMiddleware:
    def __init__(self, app: ASGIApp, minimum_size: int) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or accepts_gzip(scope):
            await self.gzip(scope, receive, send)
            return

        async def send_varying(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_vary_accept_encoding(message.get("headers", ()))
            await send(message)

        await self.app(scope, receive, send_varying)
