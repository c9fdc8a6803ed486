"""Security headers middleware: nosniff, no framing, no referrer, a strict CSP and optional HSTS."""

from __future__ import annotations

from collections.abc import Collection

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
        # Encoded once: this runs on every response.
        self._api_defaults = _raw({**self.headers, "Content-Security-Policy": API_CSP})
        self._docs_defaults = _raw({**self.headers, "Content-Security-Policy": DOCS_CSP})
        self._names = frozenset(name for name, _ in self._api_defaults)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        defaults = self._docs_defaults if scope["path"] in self.docs_paths else self._api_defaults

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Raw header names are lower-case bytes; a header the route set itself wins.
                headers = list(message.get("headers", ()))
                present = {name for name, _ in headers}
                if present.isdisjoint(self._names):  # the common case: add them all
                    headers.extend(defaults)
                else:
                    headers.extend(pair for pair in defaults if pair[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _raw(headers: dict[str, str]) -> tuple[tuple[bytes, bytes], ...]:
    return tuple(
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
    )
