"""The cache's Redis client: REDIS_URL (password, TLS) or Sentinel, bounded pool, no retries."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import Sentinel
from redis.backoff import NoBackoff

from app.features.cache.settings import CacheSettings


def connection_options(settings: CacheSettings) -> dict[str, Any]:
    # No retries: a failed command falls back to the database at once, and the timeouts bound
    # how long a request can wait for Redis.
    return {
        "socket_timeout": settings.socket_timeout_seconds,
        "socket_connect_timeout": settings.connect_timeout_seconds,
        "retry": Retry(NoBackoff(), 0),
    }


def create_client(redis_url: str, settings: CacheSettings) -> Redis:
    """A client for the master named by the Sentinels if any are configured, else for REDIS_URL."""
    options = connection_options(settings)
    if settings.sentinels:
        return _sentinel_master(redis_url, settings, options)
    pool = BlockingConnectionPool.from_url(
        redis_url,
        max_connections=settings.pool_size,
        # Waiting for a free connection is bounded like a command.
        timeout=settings.socket_timeout_seconds,
        **options,
    )
    return Redis(connection_pool=pool)


def _sentinel_master(redis_url: str, settings: CacheSettings, options: dict[str, Any]) -> Redis:
    url = urlsplit(redis_url)
    master_options: dict[str, Any] = {
        **options,
        "username": unquote(url.username) if url.username else None,
        "password": unquote(url.password) if url.password else None,
        "db": int(url.path.lstrip("/") or 0),
        "ssl": url.scheme == "rediss",
        "max_connections": settings.pool_size,
    }
    sentinel = Sentinel(settings.sentinels, sentinel_kwargs=dict(options))  # type: ignore[no-untyped-call]
    master: Redis = sentinel.master_for(settings.sentinel_master, **master_options)
    return master
