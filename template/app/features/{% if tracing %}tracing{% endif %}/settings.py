"""TRACING_* settings: where spans go, how many traces are kept, how long exporting may take."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from app.core.settings import PositiveFloat, PositiveInt, ServiceSettings, url_with_scheme

DEVELOPMENT_SAMPLE_RATIO = 1.0
PRODUCTION_SAMPLE_RATIO = 0.1


class TracingSettings(ServiceSettings):
    """TRACING_*: OpenTelemetry export and sampling."""

    model_config = SettingsConfigDict(env_prefix="TRACING_")

    enabled: bool = True
    # The exporter speaks OTLP over HTTP: any other URL would fail on every export, not at start.
    otlp_endpoint: Annotated[str, url_with_scheme("http", "https")] = (
        "http://127.0.0.1:4318/v1/traces"
    )
    # May carry an API key: a rejected value is never echoed back.
    otlp_headers: str = Field(default="", json_schema_extra={"sensitive": True})
    sample_ratio: Annotated[float | None, Field(ge=0, le=1, examples=[PRODUCTION_SAMPLE_RATIO])] = (
        None
    )
    export_timeout_seconds: PositiveFloat = 2
    export_log_interval_seconds: PositiveFloat = 60
    max_queue_size: PositiveInt = 2048

    @field_validator("sample_ratio", mode="before")
    @classmethod
    def _empty_means_default(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    def ratio_for(self, environment: str) -> float:
        """TRACING_SAMPLE_RATIO, or every trace outside production and a tenth in it."""
        if self.sample_ratio is not None:
            return self.sample_ratio
        if environment == "production":
            return PRODUCTION_SAMPLE_RATIO
        return DEVELOPMENT_SAMPLE_RATIO

    @property
    def headers(self) -> dict[str, str]:
        """TRACING_OTLP_HEADERS ("k1=v1,k2=v2") as a mapping."""
        pairs = (pair.partition("=") for pair in self.otlp_headers.split(",") if "=" in pair)
        return {key.strip(): value.strip() for key, _, value in pairs if key.strip()}
