"""METRICS_* settings (whether and where metrics are served), and prometheus_client's own one."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from app.core.settings import ServiceSettings

if TYPE_CHECKING:
    from app.core.settings import Settings

MULTIPROC_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


class MetricsSettings(ServiceSettings):
    """METRICS_*: Prometheus exposition."""

    model_config = SettingsConfigDict(env_prefix="METRICS_")

    enabled: bool = True
    port: Annotated[int, Field(ge=0, le=65535)] = 0

    def check_with_core(self, core: Settings) -> list[str]:
        """Several workers need a shared directory; a separate port must not be the app's."""
        if not self.enabled:
            return []
        problems = []
        # prometheus_client reads the process environment (not .env), so this does too.
        if core.app.workers > 1 and not os.environ.get(MULTIPROC_DIR_VARIABLE):
            # Each worker would report only its own share, and scrapes would hop between them.
            problems.append(
                f"{MULTIPROC_DIR_VARIABLE} is unset with APP_WORKERS={core.app.workers}: set it "
                "in the process environment to an empty directory the workers can write, e.g. "
                f"{MULTIPROC_DIR_VARIABLE}=/tmp/prometheus-multiproc"
            )
        if self.port == core.app.port:
            problems.append(
                f"METRICS_PORT={self.port} is also APP_PORT: set another port, or "
                "METRICS_PORT=0 to serve /metrics on the application's port"
            )
        return problems


class PrometheusClientSettings(ServiceSettings):
    """PROMETHEUS_*: read by prometheus_client itself at import; declared so it is documented.

    Several workers without PROMETHEUS_MULTIPROC_DIR would each report only their own share, so the
    metrics feature refuses to start that way.
    """

    model_config = SettingsConfigDict(env_prefix="PROMETHEUS_")

    multiproc_dir: str = ""
