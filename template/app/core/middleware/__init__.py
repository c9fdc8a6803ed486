"""The core middleware stack, each piece a plain ASGI class (cheaper than @app.middleware)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from app.core.middleware.access_log import AccessLogMiddleware
from app.core.middleware.bodiless_responses import BodilessResponseMiddleware
from app.core.middleware.body_limit import BodySizeLimitMiddleware
from app.core.middleware.client_address import trust_proxies
from app.core.middleware.compression import CompressionMiddleware
from app.core.middleware.head_requests import HeadRequestMiddleware
from app.core.middleware.request_id import REQUEST_ID_HEADER, RequestIdMiddleware
from app.core.middleware.security_headers import SecurityHeadersMiddleware
from app.core.middleware.unhandled_errors import UnhandledErrorMiddleware
from app.core.settings import Settings

PROBE_PATHS = ("/healthz", "/readyz")
CORS_PREFLIGHT_MAX_AGE_SECONDS = 600


def install_middleware(app: FastAPI, settings: Settings) -> None:
    """Add the stack; add_middleware wraps, so the last one added runs first on a request."""
    security = settings.security
    app.add_middleware(BodySizeLimitMiddleware, max_body_bytes=security.max_request_body_bytes)
    app.add_middleware(CompressionMiddleware, minimum_size=security.gzip_minimum_size_bytes)
    # Outside gzip, so a HEAD gets the headers of the compressed GET it stands for.
    app.add_middleware(HeadRequestMiddleware)
    app.add_middleware(BodilessResponseMiddleware)
    # Inside CORS, so even a 500 carries the CORS headers a browser needs to read it.
    app.add_middleware(UnhandledErrorMiddleware)
    if security.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=security.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=[
                "Content-Type",
                "Authorization",
                "If-Match",
                "If-None-Match",
                REQUEST_ID_HEADER,
            ],
            expose_headers=["ETag", "Location", REQUEST_ID_HEADER],
            max_age=CORS_PREFLIGHT_MAX_AGE_SECONDS,
        )
    app.add_middleware(AccessLogMiddleware, skip_paths=PROBE_PATHS)
    docs_paths = [path for path in (app.docs_url, app.redoc_url) if path]
    if app.docs_url and app.swagger_ui_oauth2_redirect_url:
        docs_paths.append(app.swagger_ui_oauth2_redirect_url)
    app.add_middleware(
        SecurityHeadersMiddleware,
        hsts_max_age_seconds=security.hsts_max_age_seconds,
        docs_paths=docs_paths,
    )
    app.add_middleware(RequestIdMiddleware)
    trust_proxies(app, settings.app.trusted_proxy_networks)


def add_feature_middleware(app: FastAPI, middleware_class: Any, **options: Any) -> None:
    """Add a feature's middleware inside the core stack (app.add_middleware would put it outside).

    There it still gets a request id, security and CORS headers, an access log line and a
    problem+json answer if it crashes. Features installed later run closer to the routes.
    """
    stack = app.user_middleware  # outermost first
    catch_all = next(
        i
        for i, entry in enumerate(stack)
        if entry.cls == UnhandledErrorMiddleware  # type: ignore[comparison-overlap]
    )
    already_added = getattr(app.state, "feature_middleware_count", 0)
    stack.insert(catch_all + 1 + already_added, Middleware(middleware_class, **options))
    app.state.feature_middleware_count = already_added + 1
