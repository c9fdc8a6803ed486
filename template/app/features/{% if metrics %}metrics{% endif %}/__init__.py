"""Prometheus metrics: HTTP by route template, database statements and pool, items, process."""

from __future__ import annotations

from fastapi import FastAPI

from app.core.middleware import PROBE_PATHS, add_feature_middleware
from app.core.settings import ConfigurationError
from app.features.metrics.database import instrument_engine
from app.features.metrics.domain import count_domain_events
from app.features.metrics.exposition import (
    METRICS_PATH,
    forget_worker_on_shutdown,
    mount_metrics_route,
    serve_on_port,
)
from app.features.metrics.middleware import MetricsMiddleware
from app.features.metrics.settings import MetricsSettings

INSTALL_ORDER = 20

__all__ = ["INSTALL_ORDER", "METRICS_PATH", "install"]


def install(app: FastAPI) -> None:
    settings = MetricsSettings()
    if not settings.enabled:
        return
    core = app.state.settings
    # Already refused at startup; checked again for an app built from settings made in code.
    problems = settings.check_with_core(core)
    if problems:
        raise ConfigurationError(*problems)
    # Probes come from the orchestrator every few seconds: counted, they would dilute the error
    # ratio and latency the alerts watch, and a quiet service would look busy.
    add_feature_middleware(app, MetricsMiddleware, skip_paths=(METRICS_PATH, *PROBE_PATHS))
    instrument_engine(app.state.database.engine.sync_engine, core.database.max_overflow)
    count_domain_events()
    if settings.port:
        serve_on_port(app, core.app.host, settings.port)
    else:
        mount_metrics_route(app)
    forget_worker_on_shutdown(app)
