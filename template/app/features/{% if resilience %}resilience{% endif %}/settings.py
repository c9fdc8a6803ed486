"""Settings of the resilience feature: RESILIENCE_* (breakers, deadline, overload bounds)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from app.core.breaker import BreakerPolicy
from app.core.settings import ServiceSettings

PositiveInt = Annotated[int, Field(gt=0)]
PositiveFloat = Annotated[float, Field(gt=0)]


class ResilienceSettings(ServiceSettings):
    """RESILIENCE_*: when breakers open, how long a request may take, how many run at once."""

    model_config = SettingsConfigDict(env_prefix="RESILIENCE_")

    breaker_failure_threshold: PositiveInt = 5
    breaker_window_seconds: PositiveFloat = 10
    breaker_open_seconds: PositiveFloat = 30
    breaker_half_open_trials: PositiveInt = 1
    request_deadline_seconds: PositiveFloat = 30
    # Twice the default database pool (20): beyond that, admitted requests only wait for a
    # connection, and their latency grows with no gain in throughput (docs/features/resilience.md).
    max_in_flight: PositiveInt = 40
    max_queued: Annotated[int, Field(ge=0)] = 40
    max_queue_seconds: Annotated[float, Field(ge=0)] = 0.5
    shed_retry_after_seconds: PositiveInt = 1
    # Without an auth feature, the manual breaker reset needs this bearer token (empty: refused).
    ops_token: SecretStr = SecretStr("")

    @property
    def breaker_policy(self) -> BreakerPolicy:
        return BreakerPolicy(
            failure_threshold=self.breaker_failure_threshold,
            window_seconds=self.breaker_window_seconds,
            open_seconds=self.breaker_open_seconds,
            half_open_trials=self.breaker_half_open_trials,
        )
