"""Cache-aside item reads in Redis, with generation counters for invalidation and a DB fallback."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable
from typing import Any, Final

from pydantic import ValidationError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.core.breaker import BreakerPolicy, CircuitBreaker
from app.core.logging import get_logger
from app.core.read_cache import Loader, Model, ReadCache
from app.features.cache.invalidations import Invalidation, PendingInvalidations
from app.features.cache.settings import CacheSettings
from app.features.cache.single_flight import SingleFlight
from app.features.cache.stats import CacheStats

logger = get_logger("app.cache")
FAILED: Final = object()
SCAN_BATCH = 500
# The first Redis failure bypasses the cache, whatever the other breakers' thresholds: a write
# whose invalidation failed leaves a stale value there, so the cache must not answer again until
# the probe has replayed the missed invalidations.
FIRST_FAILURE_OPENS: Final = BreakerPolicy(failure_threshold=1, open_seconds=float("inf"))
# Missed invalidations replayed per pipeline round trip after an outage.
REPLAY_BATCH = 200
# Store a value only if no write bumped its generations since the read began (no stale refill).
STORE_IF_CURRENT = """
local stamp = (redis.call('GET', KEYS[3]) or '0') .. '.' .. (redis.call('GET', KEYS[2]) or '0')
if stamp == ARGV[1] then
  return redis.call('SET', KEYS[1], ARGV[1] .. ':' .. ARGV[2], 'EX', ARGV[3])
end
return 0
"""


class CacheBypassed(Exception):
    """Redis failed recently: requests read the database until the breaker closes again."""


class RedisReadCache(ReadCache):
    """Keys: `<prefix>:v<N>:<entity>:<id>` for one entity, `...:<entity>:list:<hash>` for pages.

    Each value carries the generations it was computed under: the global one (`<prefix>:v<N>:
    generation`) and its entity's. A write increments the generation of its entity key and of the
    entity's lists, so older values stop matching at once, even ones a concurrent reader stores
    after the write; incrementing the global generation makes every value stale in one command.
    """

    def __init__(
        self, redis: Redis, settings: CacheSettings, stats: CacheStats, *, request_timeout: float
    ) -> None:
        self.redis = redis
        self.settings = settings
        self.stats = stats
        self.base = f"{settings.key_prefix}:v{settings.key_version}"
        self.global_key = f"{self.base}:generation"
        # Requests never trial a Redis that failed: one background probe closes the breaker.
        self.breaker = CircuitBreaker(
            "redis",
            FIRST_FAILURE_OPENS,
            recover=self._recover,
            probe_interval=settings.retry_interval_seconds,
        )
        self.flight = SingleFlight()
        self.pending = PendingInvalidations(settings.max_pending_invalidations)
        self._store = redis.register_script(STORE_IF_CURRENT)
        # A generation counter outlives every value computed under it (see _invalidate).
        self._generation_ttl = 2 * max(settings.ttl_seconds, settings.list_ttl_seconds)
        # All the Redis work of one request (connect, read, store) shares this budget.
        self.request_timeout = request_timeout

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
        if await self._call(self._invalidate([(entity, key)]), self._deadline()) is FAILED:
            # Redis may still hold the old value; recovery forgets it before the cache is used.
            self.pending.add(entity, key)

    async def clear(self) -> None:
        if await self._call(self._unlink_everything(), self._deadline()) is FAILED:
            self.pending.forget_everything()

    async def ping(self) -> None:
        """Readiness: fail at once while the breaker is open, else probe Redis like a read does."""
        if not self.breaker.closed:
            raise CacheBypassed(self.breaker.describe())
        try:
            async with asyncio.timeout(self.request_timeout):
                await self.redis.get(self.global_key)
        except (RedisError, OSError, TimeoutError) as error:
            self.breaker.failure(error)
            raise

    async def aclose(self) -> None:
        # The client is the app's shared one (app.core.redis_pool), which closes it.
        await self.breaker.aclose()

    def _deadline(self) -> float:
        return asyncio.get_running_loop().time() + self.request_timeout

    async def _read(
        self, value_key: str, generation_key: str, ttl: int, model: type[Model], load: Loader[Model]
    ) -> Model:
        deadline = self._deadline()
        keys = (value_key, generation_key, self.global_key)
        found = await self._call(self.redis.mget(*keys), deadline)
        if found is FAILED or not isinstance(found, list):
            self.stats.record("misses")
            return await self.flight.run(value_key, load)
        value = found[0]
        stamp = (found[2] or b"0") + b"." + (found[1] or b"0")
        if value is not None:
            stored_stamp, _, payload = bytes(value).partition(b":")
            if stored_stamp == stamp:
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
            store = self._store(keys=keys, args=[stamp, fresh.model_dump_json(), ttl])
            await self._call(store, deadline)
            return fresh

        return await self.flight.run(value_key, load_and_store)

    async def _invalidate(self, items: list[Invalidation]) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            generation_keys = {self.key(entity, "lists:gen") for entity, _ in items}
            for entity, key in items:
                value_key = self.key(entity, key)
                generation_keys.add(f"{value_key}:gen")
                pipe.delete(value_key)
            for generation_key in generation_keys:
                pipe.incr(generation_key)
                pipe.expire(generation_key, self._generation_ttl)
            await pipe.execute()

    async def _call(self, operation: Awaitable[Any], deadline: float) -> Any:
        """Run a Redis operation by `deadline`; FAILED (counted, logged once) if Redis failed."""
        if not self.breaker.closed:
            _discard(operation)
            return FAILED
        try:
            async with asyncio.timeout_at(deadline):
                return await operation
        except (RedisError, OSError, TimeoutError) as error:
            _discard(operation)
            self.stats.record("errors")
            if self.breaker.failure(error):
                logger.warning("cache unavailable, reading the database", error=repr(error))
            return FAILED

    async def _recover(self) -> None:
        """Run by the breaker's one probing task: Redis answers reads, then the debt is paid."""
        # Pooled connections may lead to the Redis that went away (or to one that closed them
        # while it was loading): start afresh, so the first requests do not trip the breaker again.
        # Idle ones only: the pool is shared, and another feature's command may be running.
        await self.redis.connection_pool.disconnect(inuse_connections=False)
        async with asyncio.timeout(self.request_timeout):
            # A read, as requests make (a Redis still loading its data refuses it with LOADING).
            await self.redis.get(self.global_key)
        while self.pending:
            if self.pending.everything:
                # Clear the flag first: writes during the round trip are then remembered again.
                self.pending.everything = False
                try:
                    async with asyncio.timeout(self.request_timeout):
                        await self.redis.incr(self.global_key)
                except BaseException:
                    self.pending.forget_everything()
                    raise
                logger.warning("cache invalidation backlog overflowed; every entry made stale")
                continue
            batch = self.pending.take(REPLAY_BATCH)
            try:
                async with asyncio.timeout(self.request_timeout):
                    await self._invalidate(batch)
            except BaseException:
                for entity, key in batch:
                    self.pending.add(entity, key)
                raise

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
