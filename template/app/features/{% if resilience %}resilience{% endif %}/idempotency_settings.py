"""Settings of Idempotency-Key handling on POST: IDEMPOTENCY_* (how long keys and locks last)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator
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
    # Responses there carry secrets (tokens, new API keys) that must never sit in a store, or
    # are operator actions, not client retries; comma-separated path prefixes.
    excluded_path_prefixes: str = Field(
        default="/auth/,/ops/", examples=["/auth/,/ops/,/webhooks/"]
    )

    @field_validator("excluded_path_prefixes")
    @classmethod
    def _check_prefixes(cls, value: str) -> str:
        for prefix in filter(None, (part.strip() for part in value.split(","))):
            if not prefix.startswith("/"):
                raise ValueError(f"{prefix!r} is not a path prefix; write it as /auth/")
        return value

    @property
    def excluded_prefixes(self) -> tuple[str, ...]:
        parts = (part.strip() for part in self.excluded_path_prefixes.split(","))
        return tuple(filter(None, parts))

    def applies_to(self, path: str) -> bool:
        return not path.startswith(self.excluded_prefixes)
