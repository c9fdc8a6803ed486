"""Security headers middleware: nosniff, no framing, no referrer, a strict CSP and optional HSTS."""

from __future__ import annotations

from collections.abc import Collection

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# JSON APIs load nothing, so the strictest policy fits every API response.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# Swagger UI and ReDoc pull their scripts and styles from jsDelivr and run an inline bootstrap
# script, so the pages that serve them get a policy allowing exactly that (and nothing else).
DOCS_CSP = (
    "default-src 'none'; "
    "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src https://fonts.gstatic.com; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "connect-src 'self'; worker-src blob:; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(
        self, app: ASGIApp, hsts_max_age_seconds: int = 0, docs_paths: Collection[str] = ()
    ) -> None:
        self.app = app
        self.docs_paths = frozenset(docs_paths)
        self.headers = {
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer",
        }
        if hsts_max_age_seconds > 0:
            self.headers["Strict-Transport-Security"] = (
                f"max-age={hsts_max_age_seconds}; includeSubDomains"
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = DOCS_CSP if scope["path"] in self.docs_paths else API_CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
                headers.setdefault("Content-Security-Policy", csp)
            await send(message)

        await self.app(scope, receive, send_with_headers)
