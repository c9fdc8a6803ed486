"""OpenTelemetry tracing: a server span per request, DB/Redis/httpx child spans, ids in logs."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from app.core.logging import add_log_processor, get_logger
from app.core.middleware import PROBE_PATHS
from app.features.tracing.clients import instrument_clients
from app.features.tracing.database import instrument_engine
from app.features.tracing.logs import add_trace_ids
from app.features.tracing.middleware import TracingMiddleware
from app.features.tracing.provider import flush_within, process_tracer_provider
from app.features.tracing.settings import TracingSettings

INSTALL_ORDER = 10
TRACER_NAME = "app"
# Probes and scrapes run every few seconds and would drown the traces worth reading.
UNTRACED_PATHS = (*PROBE_PATHS, "/metrics")

logger = get_logger("app.tracing")


def install(app: FastAPI) -> None:
    settings = TracingSettings()
    if not settings.enabled:
        return
    environment = app.state.settings.app.env
    provider, created = process_tracer_provider(settings, environment)
    if created:
        clients = instrument_clients(provider)
        logger.info(
            "tracing enabled",
            endpoint=settings.otlp_endpoint,
            sample_ratio=settings.ratio_for(environment),
            instrumented=clients,
        )
    tracer = provider.get_tracer(TRACER_NAME)
    _turn_off_native_tracing(app)
    # Outside the core stack (app.add_middleware, not add_feature_middleware): the span then
    # covers the whole request, and the access log and error lines carry its ids. Only load
    # shedding, when on, sits further out (a shed request gets no span).
    app.add_middleware(TracingMiddleware, tracer=tracer, skip_paths=UNTRACED_PATHS)
    instrument_engine(app.state.database.engine.sync_engine, tracer)
    add_log_processor(add_trace_ids)

    async def flush() -> None:
        # Bounded by the export timeout; an unreachable collector only loses these spans.
        timeout = settings.export_timeout_seconds
        if not await asyncio.to_thread(flush_within, provider, timeout):
            logger.warning("spans not exported at shutdown", waited_seconds=timeout)

    app.state.lifecycle.on_shutdown("flushing spans", flush)
    app.state.tracer_provider = provider


def _turn_off_native_tracing(app: FastAPI) -> None:
    # Recent FastAPI versions trace by themselves once a global provider is set: a second server
    # span plus spans for dependencies, endpoint and serialization on every request. Our single
    # span replaces them. (Older versions have no such config; then there is nothing to do.)
    native = getattr(app, "_telemetry", None)
    if isinstance(native, dict):
        native["tracing"] = False
        native["operation_spans"] = False
