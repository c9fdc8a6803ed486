"""Rate limiting: per-client limits from settings, applied by ASGI middleware before the routes."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
from collections.abc import Awaitable, Callable

from fastapi import FastAPI
from limits.aio.storage import MemoryStorage

from app.core.health import register_readiness_check
from app.core.logging import get_logger
from app.core.middleware import add_feature_middleware
from app.core.middleware.client_address import trust_proxies
from app.core.openapi_contract import SharedResponse, document_response
from app.core.settings import parse_networks
from app.features.rate_limit.limiter import Limiter, LimitsWindow, Window
from app.features.rate_limit.middleware import EXEMPT_PATHS, RateLimitMiddleware
from app.features.rate_limit.settings import RateLimitSettings, Strategy
from app.features.rate_limit.stats import RateLimitStats, metrics_observer

INSTALL_ORDER = 30
logger = get_logger("app.rate_limit")
REDIS_STORAGE_MODULE = "app.features.rate_limit.redis_storage"
DEFAULT_PROBE_TIMEOUT_SECONDS = 1.0


Close = Callable[[], Awaitable[None]]
Probe = Callable[[], Awaitable[None]]


def create_window(strategy: Strategy) -> tuple[Window, float | None, Close, Probe | None]:
    """Redis when this service was generated with rate_limit=redis, else per-process memory.

    Returns the window counter, how long one check may wait for it, how to release it, and how
    to check that it answers (None: a memory store cannot fail).
    """
    if importlib.util.find_spec(REDIS_STORAGE_MODULE) is not None:
        module = importlib.import_module(REDIS_STORAGE_MODULE)
        window, timeout, close, probe = module.create_window(strategy)
        return window, timeout, close, probe
    memory = MemoryStorage()

    async def stop_expiry() -> None:
        # The memory store expires counters in a background task; stop it with the event loop.
        timer = memory.timer
        if timer is not None and not timer.done():
            timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await timer

    return LimitsWindow(memory, strategy), None, stop_expiry, None


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
    window, timeout, close, probe = create_window(settings.strategy)
    stats = RateLimitStats()
    observer = metrics_observer()
    if observer is not None:
        stats.observers.append(observer)
    limiter = Limiter(window, timeout)
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
