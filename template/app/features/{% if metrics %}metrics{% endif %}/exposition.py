"""Serves the metrics: a /metrics route on the app, or a separate port, single or multi-process."""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    ProcessCollector,
    generate_latest,
    start_http_server,
)
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from starlette.requests import Request
from starlette.responses import Response

from app.core.logging import get_logger
from app.features.metrics.settings import MULTIPROC_DIR_VARIABLE

logger = get_logger("app.metrics")
METRICS_PATH = "/metrics"


def multiprocess_dir() -> str | None:
    """The shared directory of multiprocess mode, if prometheus_client runs in it."""
    return os.environ.get(MULTIPROC_DIR_VARIABLE) or None


def exposition_registry(directory: str | None = None) -> CollectorRegistry:
    """What a scrape reads: the process's registry, or every worker's files in multiprocess mode."""
    directory = directory or multiprocess_dir()
    if directory is None:
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    # Process metrics cannot be summed over workers; they describe the worker answering the scrape.
    ProcessCollector(registry=registry)
    return registry


def mount_metrics_route(app: FastAPI) -> None:
    async def metrics(_request: Request) -> Response:
        return Response(generate_latest(exposition_registry()), media_type=CONTENT_TYPE_LATEST)

    app.add_route(METRICS_PATH, metrics, methods=["GET"], include_in_schema=False)


def serve_on_port(app: FastAPI, host: str, port: int) -> None:
    """Serve the metrics from a thread on their own port while the app runs."""
    servers: list[Any] = []

    async def start() -> None:
        try:
            server, _thread = start_http_server(port, addr=host, registry=exposition_registry())
        except OSError as error:
            # With several workers one of them gets the port; it serves every worker's numbers.
            logger.info("metrics port taken, another worker serves it", port=port, error=str(error))
            return
        servers.append(server)
        logger.info("serving metrics", host=host, port=port, path=METRICS_PATH)

    async def stop() -> None:
        for server in servers:
            server.shutdown()
            server.server_close()

    app.state.lifecycle.on_startup("starting metrics server", start)
    app.state.lifecycle.on_shutdown("stopping metrics server", stop)


def forget_worker_on_shutdown(app: FastAPI) -> None:
    """Drop this worker's live gauges from the shared directory when it exits."""

    async def mark_dead() -> None:
        if multiprocess_dir() is not None:
            mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]

    app.state.lifecycle.on_shutdown("removing this worker's live metrics", mark_dead)
