"""Redis read cache: item reads go through Redis (cache-aside); the database answers if it fails."""

from __future__ import annotations

from fastapi import FastAPI

from app.core.breaker import register_breaker
from app.core.health import register_readiness_check
from app.core.redis_pool import RedisSettings, shared_redis
from app.features import joins
from app.features.cache.redis_cache import RedisReadCache
from app.features.cache.settings import CacheSettings
from app.features.cache.stats import CacheStats

INSTALL_ORDER = 40


def install(app: FastAPI) -> None:
    settings = CacheSettings()
    stats = CacheStats(observers=joins.cache_observers())
    budget = RedisSettings().request_budget_seconds
    cache = RedisReadCache(shared_redis(app), settings, stats, request_timeout=budget)
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
