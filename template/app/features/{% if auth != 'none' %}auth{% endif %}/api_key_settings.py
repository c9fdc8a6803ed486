"""AUTH_API_KEYS_* settings: lifetimes of service-to-service API keys and their rotation overlap."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from app.core.settings import ServiceSettings

Days = Annotated[int, Field(ge=1, le=3650)]


class ApiKeySettings(ServiceSettings):
    """AUTH_API_KEYS_*: how long keys live, how long a rotated key keeps working."""

    model_config = SettingsConfigDict(env_prefix="AUTH_API_KEYS_")

    default_ttl_days: Days = 90
    max_ttl_days: Days = 365
    # After a rotation the old key still works this long, so callers can switch without an outage.
    rotation_overlap_hours: Annotated[int, Field(ge=0, le=720)] = 24
    # last_used_at is written at most this often per key: one write per request would make every
    # authenticated read a write.
    last_used_resolution_seconds: Annotated[int, Field(ge=0, le=3600)] = 60
