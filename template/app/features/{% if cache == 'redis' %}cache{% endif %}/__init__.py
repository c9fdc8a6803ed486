"""Redis read cache: item reads go through Redis (cache-aside); the database answers if it fails."""

from __future__ import annotations

from fastapi import FastAPI

from app.core.breaker import register_breaker
from app.core.health import register_readiness_check
from app.features.cache.client import create_client
from app.features.cache.redis_cache import RedisReadCache
from app.features.cache.settings import CacheSettings, RedisUrlSettings
from app.features.cache.stats import CacheStats, metrics_observer

INSTALL_ORDER = 40


def install(app: FastAPI) -> None:
    settings = CacheSettings()
    client = create_client(RedisUrlSettings().redis_url, settings)
    stats = CacheStats()
    observer = metrics_observer()
    if observer is not None:
        stats.observers.append(observer)
    cache = RedisReadCache(client, settings, stats)
    register_breaker(app, cache.breaker)
    app.state.read_cache = cache

    # Not critical by default: without Redis the service still answers, from the database.
    register_readiness_check(
        app,
        "cache",
        cache.ping,
        timeout_seconds=settings.health_timeout_seconds,
        critical=settings.redis_critical,
    )
    app.state.lifecycle.on_shutdown("closing cache connections", cache.aclose)
