"""Operator routes: see every circuit breaker, close one by hand after fixing its dependency.

The reset is protected (reset_guard.py): the admin role with auth, else RESILIENCE_OPS_TOKEN.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel

from app.core.breaker import CircuitBreaker
from app.core.problems import problem_responses
from app.features.resilience.reset_guard import may_reset_breakers

router = APIRouter(prefix="/ops/breakers", tags=["operations"])


class BreakerStatus(BaseModel):
    name: str
    state: Literal["closed", "open", "half_open"]
    retry_after_seconds: int | None
    last_error: str


def _status(breaker: CircuitBreaker) -> BreakerStatus:
    return BreakerStatus(
        name=breaker.name,
        state=breaker.state,
        retry_after_seconds=None if breaker.closed else breaker.retry_after(),
        last_error=breaker.last_error,
    )


def _registry(request: Request) -> dict[str, CircuitBreaker]:
    registry: dict[str, CircuitBreaker] = getattr(request.app.state, "breakers", {})
    return registry


@router.get("", summary="State of every circuit breaker")
async def list_breakers(request: Request) -> list[BreakerStatus]:
    return [_status(breaker) for _, breaker in sorted(_registry(request).items())]


@router.post(
    "/{name}/reset",
    summary="Close a circuit breaker now (after fixing its dependency)",
    responses=problem_responses(401, 403, 404),
    dependencies=[Depends(may_reset_breakers)],
)
async def reset_breaker(name: str, request: Request) -> BreakerStatus:
    breaker = _registry(request).get(name)
    if breaker is None:
        known = ", ".join(sorted(_registry(request))) or "none"
        raise HTTPException(404, f"No circuit breaker named {name!r}; known: {known}.")
    breaker.close()
    return _status(breaker)
