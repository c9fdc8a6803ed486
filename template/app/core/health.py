"""Liveness and readiness probes, with a registry other parts of the app add readiness checks to."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError

from app.core.about import about
from app.core.logging import get_logger
from app.core.migrations import SchemaCheck
from app.core.routes import mount_router

logger = get_logger("app.health")
router = APIRouter(tags=["health"])
MAX_ERROR_LENGTH = 300


@dataclass(frozen=True)
class ReadinessCheck:
    """An async probe; a failing critical check makes the service unready (503)."""

    probe: Callable[[], Awaitable[None]]
    timeout_seconds: float
    critical: bool = True


def register_readiness_check(
    app: FastAPI,
    name: str,
    probe: Callable[[], Awaitable[None]],
    *,
    timeout_seconds: float,
    critical: bool = True,
) -> None:
    """Add a named check to /readyz (features call this from their install())."""
    app.state.readiness_checks[name] = ReadinessCheck(probe, timeout_seconds, critical)


class Liveness(BaseModel):
    status: Literal["ok"]


class CheckResult(BaseModel):
    status: Literal["ok", "error"]
    duration_ms: float
    critical: bool
    error: str | None = None


class Readiness(BaseModel):
    status: Literal["ready", "degraded", "unavailable"]
    checks: dict[str, CheckResult]
    version: str
    uptime_seconds: float


def describe_error(error: BaseException, timeout_seconds: float) -> str:
    """A short reason: the driver's own error rather than SQLAlchemy's long wrapper text."""
    if isinstance(error, TimeoutError):
        return f"timed out after {timeout_seconds:g}s"
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    text = f"{type(cause).__name__}: {cause}".strip().rstrip(":")
    return text[:MAX_ERROR_LENGTH]


async def run_check(name: str, check: ReadinessCheck) -> CheckResult:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(check.probe(), timeout=check.timeout_seconds)
    except Exception as error:
        duration_ms = round((time.perf_counter() - started) * 1000, 2)
        reason = describe_error(error, check.timeout_seconds)
        logger.warning("readiness check failed", check=name, error=reason, duration_ms=duration_ms)
        return CheckResult(
            status="error", duration_ms=duration_ms, critical=check.critical, error=reason
        )
    duration_ms = round((time.perf_counter() - started) * 1000, 2)
    return CheckResult(status="ok", duration_ms=duration_ms, critical=check.critical)


# Liveness has nothing to compute: the answer is built once, not validated and serialized per probe.
LIVE = Liveness(status="ok").model_dump_json().encode()


@router.get("/healthz", response_model=Liveness, summary="Liveness: the process is serving")
async def healthz() -> Response:
    return Response(LIVE, media_type="application/json")


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="Readiness: dependencies answer",
    responses={503: {"model": Readiness, "description": "A critical dependency is failing"}},
)
async def readyz(request: Request) -> JSONResponse:
    checks: dict[str, ReadinessCheck] = request.app.state.readiness_checks
    results = await asyncio.gather(*(run_check(name, check) for name, check in checks.items()))
    by_name = dict(zip(checks, results, strict=True))
    failed = [result for result in results if result.status == "error"]
    if any(result.critical for result in failed):
        status: Literal["ready", "degraded", "unavailable"] = "unavailable"
    else:
        status = "degraded" if failed else "ready"
    report = Readiness(
        status=status,
        checks=by_name,
        version=about().version,
        uptime_seconds=round(time.monotonic() - request.app.state.started_at, 3),
    )
    return JSONResponse(
        report.model_dump(mode="json", exclude_none=True),
        status_code=503 if status == "unavailable" else 200,
    )


def install_health(app: FastAPI) -> None:
    """Mount the probes and register the database and schema checks."""
    app.state.readiness_checks = {}
    app.state.started_at = time.monotonic()
    database = app.state.database
    register_readiness_check(
        app,
        "database",
        database.ping,
        timeout_seconds=app.state.settings.database.health_timeout_seconds,
    )
    # A pod whose migration job has not run must not take traffic: its queries would fail.
    schema = SchemaCheck(database.engine, app.state.settings.database.resolved_url)
    register_readiness_check(
        app,
        "schema",
        schema.probe,
        timeout_seconds=app.state.settings.database.health_timeout_seconds,
    )
    mount_router(app, router)
