"""Settings of the Redis read cache: CACHE_* (the server, pool and timeouts are REDIS_*)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from app.core.about import about
from app.core.settings import ServiceSettings

PositiveInt = Annotated[int, Field(gt=0)]
PositiveFloat = Annotated[float, Field(gt=0)]


def _default_prefix() -> str:
    return about().name.lower().replace(" ", "-")


class CacheSettings(ServiceSettings):
    """CACHE_*: lifetimes, key layout and failure policy of the item cache."""

    model_config = SettingsConfigDict(env_prefix="CACHE_")

    ttl_seconds: PositiveInt = 300
    list_ttl_seconds: PositiveInt = 60
    key_prefix: str = Field(default_factory=_default_prefix, min_length=1)
    key_version: PositiveInt = 1
    redis_critical: bool = False
    retry_interval_seconds: Annotated[float, Field(ge=0)] = 1
    max_pending_invalidations: PositiveInt = 1000
    health_timeout_seconds: PositiveFloat = 1
