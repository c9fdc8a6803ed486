"""Settings of one outgoing HTTP upstream: UPSTREAM_<NAME>_* (address, timeouts, retries, breaker).

`UpstreamOptions` holds the fields; each upstream is a settings class of its own that mixes them
in with its own prefix, so every variable is listed, documented and checked at startup like any
other. To add an upstream, copy `ExampleUpstreamSettings` (see docs/features/resilience.md).
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import SettingsConfigDict

from app.core.breaker import BreakerPolicy
from app.core.settings import ServiceSettings

PositiveInt = Annotated[int, Field(gt=0)]
PositiveFloat = Annotated[float, Field(gt=0)]


class UpstreamOptions(BaseModel):
    """What every upstream can set; an empty base URL leaves the upstream switched off."""

    name: ClassVar[str]

    base_url: str = ""
    connect_timeout_seconds: PositiveFloat = 1
    read_timeout_seconds: PositiveFloat = 5
    write_timeout_seconds: PositiveFloat = 5
    pool_timeout_seconds: PositiveFloat = 1
    total_timeout_seconds: PositiveFloat = 10
    max_connections: PositiveInt = 20
    retry_attempts: PositiveInt = 3
    retry_backoff_initial_seconds: PositiveFloat = 0.1
    retry_backoff_max_seconds: PositiveFloat = 2
    retry_budget_ratio: Annotated[float, Field(ge=0, le=1)] = 0.2
    retry_budget_burst: Annotated[float, Field(ge=0)] = 10
    breaker_failure_threshold: PositiveInt = 5
    breaker_window_seconds: PositiveFloat = 10
    breaker_open_seconds: PositiveFloat = 30
    breaker_half_open_trials: PositiveInt = 1

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(
                "must start with http:// or https://, e.g. https://api.example.com/v1 "
                "(or be empty to switch this upstream off)"
            )
        return value.rstrip("/")

    @property
    def enabled(self) -> bool:
        return bool(self.base_url)

    @property
    def breaker_policy(self) -> BreakerPolicy:
        return BreakerPolicy(
            failure_threshold=self.breaker_failure_threshold,
            window_seconds=self.breaker_window_seconds,
            open_seconds=self.breaker_open_seconds,
            half_open_trials=self.breaker_half_open_trials,
        )


class ExampleUpstreamSettings(ServiceSettings, UpstreamOptions):
    """UPSTREAM_EXAMPLE_*: the example upstream; rename or copy it for your own."""

    model_config = SettingsConfigDict(env_prefix="UPSTREAM_EXAMPLE_")
    name: ClassVar[str] = "example"
