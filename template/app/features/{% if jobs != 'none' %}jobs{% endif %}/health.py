"""The worker's probe server for Kubernetes: /livez (the loop answers) and /readyz (can work).

Readiness: the broker answers, the outbox relay is not failing, the oldest unsent event is younger
than JOBS_OUTBOX_MAX_LAG_SECONDS, and the worker is not shutting down. The web service's /readyz
checks none of this: a stuck worker never takes the API out of its load balancer.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from typing import Any

import uvicorn
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from app.features import joins
from app.features.jobs.broker import ping
from app.features.jobs.relay import OutboxRelay
from app.features.jobs.runtime import JobsRuntime

PROBE_TIMEOUT_SECONDS = 1.0


class WorkerState:
    def __init__(self, runtime: JobsRuntime, relay: OutboxRelay) -> None:
        self.runtime = runtime
        self.relay = relay
        self.stopping = False
        self.consuming = False

    async def readiness(self) -> dict[str, Any]:
        problems: list[str] = []
        if self.stopping:
            problems.append("shutting down")
        if not self.consuming:
            problems.append("not consuming from the broker")
        try:
            await asyncio.wait_for(
                ping(self.runtime.settings, PROBE_TIMEOUT_SECONDS), PROBE_TIMEOUT_SECONDS * 2
            )
        except Exception as error:
            problems.append(f"broker unreachable: {error!r}")
        unsent, oldest = 0, 0.0
        try:
            unsent, oldest = await self.relay.backlog()
        except Exception as error:
            problems.append(f"database unreachable: {error!r}")
        if oldest > self.runtime.settings.outbox_max_lag_seconds:
            problems.append(f"oldest unsent event is {oldest:.0f}s old")
        if self.relay.last_error:
            problems.append(f"outbox relay failing: {self.relay.last_error}")
        return {
            "status": "error" if problems else "ok",
            "problems": problems,
            "outbox_unsent": unsent,
            "outbox_oldest_unsent_seconds": round(oldest, 3),
        }


def probe_app(state: WorkerState) -> FastAPI:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    joins.add_jobs_metrics_route(app, state.relay)

    @app.get("/livez")
    async def livez() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        body = await state.readiness()
        return JSONResponse(body, status_code=200 if body["status"] == "ok" else 503)

    return app


class ProbeServer(uvicorn.Server):
    """uvicorn without its signal handling: the worker owns SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    def install_signal_handlers(self) -> None:
        return


def probe_server(state: WorkerState, port: int) -> ProbeServer:
    config = uvicorn.Config(
        probe_app(state),
        host="0.0.0.0",  # noqa: S104 - probes come from the kubelet, outside the pod
        port=port,
        log_config=None,
        access_log=False,
        lifespan="off",
    )
    return ProbeServer(config)
