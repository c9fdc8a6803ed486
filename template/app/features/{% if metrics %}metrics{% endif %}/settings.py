"""METRICS_* settings (whether and where metrics are served), and prometheus_client's own one."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from app.core.settings import ServiceSettings

MULTIPROC_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


class MetricsSettings(ServiceSettings):
    """METRICS_*: Prometheus exposition."""

    model_config = SettingsConfigDict(env_prefix="METRICS_")

    enabled: bool = True
    port: Annotated[int, Field(ge=0, le=65535)] = 0


class PrometheusClientSettings(ServiceSettings):
    """PROMETHEUS_*: read by prometheus_client itself at import; declared so it is documented.

    Several workers without PROMETHEUS_MULTIPROC_DIR would each report only their own share, so the
    metrics feature refuses to start that way.
    """

    model_config = SettingsConfigDict(env_prefix="PROMETHEUS_")

    multiproc_dir: str = ""
