"""Settings of the Redis read cache: CACHE_* and the shared REDIS_URL."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from app.core.about import about
from app.core.settings import ServiceSettings, url_with_scheme

PositiveInt = Annotated[int, Field(gt=0)]
PositiveFloat = Annotated[float, Field(gt=0)]
DEFAULT_SENTINEL_PORT = 26379
# What redis-py's from_url accepts; anything else fails on first use, not at startup.
RedisUrl = Annotated[str, url_with_scheme("redis", "rediss", "unix")]


def _default_prefix() -> str:
    return about().name.lower().replace(" ", "-")


class RedisUrlSettings(ServiceSettings):
    """REDIS_URL: shared with the rate limiter when both use Redis."""

    redis_url: RedisUrl = "redis://127.0.0.1:6379/0"


class CacheSettings(ServiceSettings):
    """CACHE_*: lifetimes, key layout, timeouts and failure policy of the item cache."""

    model_config = SettingsConfigDict(env_prefix="CACHE_")

    ttl_seconds: PositiveInt = 300
    list_ttl_seconds: PositiveInt = 60
    key_prefix: str = Field(default_factory=_default_prefix, min_length=1)
    key_version: PositiveInt = 1
    redis_critical: bool = False
    socket_timeout_seconds: PositiveFloat = 0.25
    connect_timeout_seconds: PositiveFloat = 0.5
    pool_size: PositiveInt = 20
    retry_interval_seconds: Annotated[float, Field(ge=0)] = 1
    max_pending_invalidations: PositiveInt = 1000
    health_timeout_seconds: PositiveFloat = 1
    sentinel_hosts: str = Field(default="", examples=["sentinel-1:26379,sentinel-2:26379"])
    sentinel_master: str = "mymaster"

    @field_validator("sentinel_hosts")
    @classmethod
    def _check_sentinels(cls, value: str) -> str:
        for entry in filter(None, (part.strip() for part in value.split(","))):
            host, separator, port = entry.rpartition(":")
            if separator and (not host or not port.isdigit() or not 0 < int(port) < 65536):
                raise ValueError(f"{entry!r} is not host or host:port, e.g. sentinel-1:26379")
        return value

    @property
    def sentinels(self) -> list[tuple[str, int]]:
        """CACHE_SENTINEL_HOSTS as (host, port) pairs; empty means connect to REDIS_URL directly."""
        pairs = []
        for entry in filter(None, (part.strip() for part in self.sentinel_hosts.split(","))):
            host, separator, port = entry.rpartition(":")
            pairs.append((host, int(port)) if separator else (entry, DEFAULT_SENTINEL_PORT))
        return pairs
