"""Rate limiting: per-client limits from settings, applied by ASGI middleware before the routes."""

from __future__ import annotations

from fastapi import FastAPI

from app.core.health import register_readiness_check
from app.core.logging import get_logger
from app.core.middleware import add_feature_middleware
from app.core.middleware.client_address import trust_proxies
from app.core.openapi_contract import SharedResponse, document_response
from app.core.settings import parse_networks
from app.features import joins
from app.features.rate_limit.limiter import Limiter
from app.features.rate_limit.middleware import EXEMPT_PATHS, RateLimitMiddleware
from app.features.rate_limit.settings import RateLimitSettings
from app.features.rate_limit.stats import RateLimitStats
from app.features.rate_limit.store import create_store

INSTALL_ORDER = 30
logger = get_logger("app.rate_limit")
DEFAULT_PROBE_TIMEOUT_SECONDS = 1.0


def install(app: FastAPI) -> None:
    settings = RateLimitSettings()
    if settings.trusted_proxies:
        # Deprecated: the proxies are trusted by the core now, for the access log and every
        # feature alike. Still honoured, so an upgrade does not put all clients in one bucket.
        logger.warning(
            "RATE_LIMIT_TRUSTED_PROXIES is deprecated: rename it to APP_TRUSTED_PROXIES "
            "(same value); it is honoured until then",
            trusted_proxies=settings.trusted_proxies,
        )
        trust_proxies(app, parse_networks(settings.trusted_proxies))
    # store.py is the memory or the Redis store, whichever this service was generated with.
    store = create_store(app, settings.strategy)
    timeout, close, probe = store.timeout, store.close, store.probe
    stats = RateLimitStats(observers=joins.rate_limit_observers())
    limiter = Limiter(store.window, timeout, store.breaker)
    app.state.rate_limiter = limiter
    app.state.rate_limit_stats = stats
    add_feature_middleware(
        app, RateLimitMiddleware, limiter=limiter, settings=settings, stats=stats
    )
    if probe is not None:
        # Failing closed, a dead store means every request is refused: the instance is not ready.
        # Failing open, it still serves (without limits): degraded.
        register_readiness_check(
            app,
            "rate_limit",
            probe,
            timeout_seconds=timeout or DEFAULT_PROBE_TIMEOUT_SECONDS,
            critical=not settings.fail_open,
        )
    if close is not None:
        app.state.lifecycle.on_shutdown("closing the rate-limit store", close)
    document_response(app, TOO_MANY_REQUESTS)


TOO_MANY_REQUESTS = SharedResponse(
    429,
    "This client sent more requests than its limit allows; retry after Retry-After seconds",
    except_paths=EXEMPT_PATHS,
    headers={
        "Retry-After": {
            "description": "Seconds until the limit resets",
            "required": True,
            "schema": {"type": "integer", "minimum": 0},
        }
    },
)
