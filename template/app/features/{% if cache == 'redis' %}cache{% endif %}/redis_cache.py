"""Cache-aside item reads in Redis, with generation counters for invalidation and a DB fallback."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable
from typing import Any, Final

from pydantic import ValidationError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.core.logging import get_logger
from app.core.read_cache import Loader, Model, ReadCache
from app.features.cache.breaker import Breaker
from app.features.cache.settings import CacheSettings
from app.features.cache.single_flight import SingleFlight
from app.features.cache.stats import CacheStats

logger = get_logger("app.cache")
FAILED: Final = object()
# More invalidations than this missed during an outage: drop every cached entry instead.
MAX_PENDING_INVALIDATIONS = 10_000
SCAN_BATCH = 500
# Store a value only if no write bumped its generation since the read began (no stale refill).
STORE_IF_CURRENT = """
if (redis.call('GET', KEYS[2]) or '0') == ARGV[1] then
  return redis.call('SET', KEYS[1], ARGV[1] .. ':' .. ARGV[2], 'EX', ARGV[3])
end
return 0
"""


class RedisReadCache(ReadCache):
    """Keys: `<prefix>:v<N>:<entity>:<id>` for one entity, `...:<entity>:list:<hash>` for pages.

    Each value carries the generation it was computed under; a write increments the generation of
    its entity key and of the entity's lists, so older values stop matching at once, even ones a
    concurrent reader stores after the write.
    """

    def __init__(self, redis: Redis, settings: CacheSettings, stats: CacheStats) -> None:
        self.redis = redis
        self.settings = settings
        self.stats = stats
        self.base = f"{settings.key_prefix}:v{settings.key_version}"
        self.breaker = Breaker(settings.retry_interval_seconds)
        self.flight = SingleFlight()
        self._store = redis.register_script(STORE_IF_CURRENT)
        self._pending: set[tuple[str, str]] = set()
        self._forget_all = False
        # A generation counter outlives every value computed under it (see _invalidate).
        self._generation_ttl = 2 * max(settings.ttl_seconds, settings.list_ttl_seconds)
        self._call_timeout = settings.connect_timeout_seconds + 2 * settings.socket_timeout_seconds

    def key(self, entity: str, key: str) -> str:
        return f"{self.base}:{entity}:{key}"

    def list_key(self, entity: str, query: str) -> str:
        digest = hashlib.sha256(query.encode()).hexdigest()[:32]
        return f"{self.base}:{entity}:list:{digest}"

    async def read_one(
        self, entity: str, key: str, model: type[Model], load: Loader[Model]
    ) -> Model:
        value_key = self.key(entity, key)
        return await self._read(
            value_key, f"{value_key}:gen", self.settings.ttl_seconds, model, load
        )

    async def read_list(
        self, entity: str, query: str, model: type[Model], load: Loader[Model]
    ) -> Model:
        value_key = self.list_key(entity, query)
        generation_key = self.key(entity, "lists:gen")
        ttl = self.settings.list_ttl_seconds
        return await self._read(value_key, generation_key, ttl, model, load)

    async def changed(self, entity: str, key: str) -> None:
        if await self._call(self._invalidate(entity, key)) is FAILED:
            # Redis may still hold the old value; forget it as soon as Redis answers again.
            if len(self._pending) >= MAX_PENDING_INVALIDATIONS:
                self._forget_all = True
            else:
                self._pending.add((entity, key))

    async def clear(self) -> None:
        if await self._call(self._unlink_everything()) is FAILED:
            self._forget_all = True

    async def _read(
        self, value_key: str, generation_key: str, ttl: int, model: type[Model], load: Loader[Model]
    ) -> Model:
        found = await self._call(self.redis.mget(value_key, generation_key))
        if found is FAILED or not isinstance(found, list):
            self.stats.record("misses")
            return await self.flight.run(value_key, load)
        value, generation = found[0], found[1] or b"0"
        if value is not None:
            stored_generation, _, payload = bytes(value).partition(b":")
            if stored_generation == generation:
                try:
                    cached = model.model_validate_json(payload)
                except ValidationError:
                    pass  # written by an older release with another shape: recompute
                else:
                    self.stats.record("hits")
                    return cached
        self.stats.record("misses")

        async def load_and_store() -> Model:
            fresh = await load()
            store = self._store(
                keys=[value_key, generation_key], args=[generation, fresh.model_dump_json(), ttl]
            )
            await self._call(store)
            return fresh

        return await self.flight.run(value_key, load_and_store)

    async def _invalidate(self, entity: str, key: str) -> None:
        value_key = self.key(entity, key)
        lists_key = self.key(entity, "lists:gen")
        async with self.redis.pipeline(transaction=False) as pipe:
            for generation_key in (f"{value_key}:gen", lists_key):
                pipe.incr(generation_key)
                pipe.expire(generation_key, self._generation_ttl)
            pipe.delete(value_key)
            await pipe.execute()

    async def _call(self, operation: Awaitable[Any]) -> Any:
        """Run a Redis operation; FAILED (counted, logged once per outage) if Redis failed."""
        if not self.breaker.closed:
            _discard(operation)
            return FAILED
        try:
            if self._pending or self._forget_all:
                await self._replay_invalidations()
            async with asyncio.timeout(self._call_timeout):
                result = await operation
        except (RedisError, OSError, TimeoutError) as error:
            _discard(operation)
            self.stats.record("errors")
            if self.breaker.failed_since is None:
                logger.warning("cache unavailable, reading the database", error=repr(error))
            self.breaker.failure()
            return FAILED
        if self.breaker.success():
            logger.info("cache available again")
        return result

    async def _replay_invalidations(self) -> None:
        if self._forget_all:
            await self._unlink_everything()
            self._forget_all = False
            self._pending.clear()
        for entity, key in list(self._pending):
            await self._invalidate(entity, key)
            self._pending.discard((entity, key))

    async def _unlink_everything(self) -> None:
        """Drop every key under this prefix and version (values and generation counters)."""
        batch: list[bytes] = []
        async for found in self.redis.scan_iter(match=f"{self.base}:*", count=SCAN_BATCH):
            batch.append(found)
            if len(batch) >= SCAN_BATCH:
                await self.redis.unlink(*batch)
                batch.clear()
        if batch:
            await self.redis.unlink(*batch)


def _discard(operation: Awaitable[Any]) -> None:
    # A coroutine that is never awaited would warn; close it instead.
    close = getattr(operation, "close", None)
    if callable(close):
        close()
