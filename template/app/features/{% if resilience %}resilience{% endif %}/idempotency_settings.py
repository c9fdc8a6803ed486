"""Settings of Idempotency-Key handling on POST: IDEMPOTENCY_* (how long keys and locks last)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from app.core.settings import ServiceSettings

PositiveInt = Annotated[int, Field(gt=0)]


class IdempotencySettings(ServiceSettings):
    """IDEMPOTENCY_*: how long a key replays its response and how long a request may hold it."""

    model_config = SettingsConfigDict(env_prefix="IDEMPOTENCY_")

    enabled: bool = True
    ttl_seconds: PositiveInt = 24 * 60 * 60
    # A request still running holds its key this long at most (then a crashed one frees it).
    in_progress_seconds: PositiveInt = 60
    max_stored_body_bytes: PositiveInt = 1024 * 1024
