"""RFC 9457 problem details: the one error body every endpoint returns, and its OpenAPI docs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, Field
from starlette.responses import JSONResponse
from starlette.types import Scope

PROBLEM_MEDIA_TYPE = "application/problem+json"
UNPROCESSABLE = 422
INTERNAL_SERVER_ERROR = 500
# Never the exception text: it can carry SQL, paths or data. The request id links to the log.
GENERIC_500_DETAIL = "An unexpected error occurred. Quote the request id when reporting it."


class FieldError(BaseModel):
    """One input that failed validation."""

    field: str = Field(description="Where the bad input is, e.g. body.name or query.limit")
    message: str
    type: str = Field(description="Machine-readable reason, e.g. string_too_long")


class Problem(BaseModel):
    """An error, as RFC 9457 application/problem+json."""

    type: str = Field(default="about:blank", description="URI identifying the problem type")
    title: str = Field(description="Short summary of the problem type")
    status: int = Field(ge=400, le=599, description="HTTP status code")
    detail: str | None = Field(default=None, description="What went wrong for this request")
    instance: str | None = Field(default=None, description="Path of the request that failed")
    request_id: str | None = Field(default=None, description="Quote this when reporting a problem")


class ValidationProblem(Problem):
    """A request whose input failed validation, listing each failing field."""

    errors: list[FieldError]


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE


def status_phrase(status: int) -> str:
    """The standard reason phrase ("Not Found"), or "Error" for unregistered codes."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def request_id_of(scope: Scope) -> str | None:
    state = scope.get("state") or {}
    request_id = state.get("request_id")
    return request_id if isinstance(request_id, str) else None


_LOG_REASON = "problem_log_reason"


def note_log_reason(scope: Scope, reason: str) -> None:
    """Attach why a request failed to its access log line (one line per failure, no traceback)."""
    scope.setdefault("state", {})[_LOG_REASON] = reason


def log_reason_of(scope: Scope) -> str | None:
    reason = (scope.get("state") or {}).get(_LOG_REASON)
    return reason if isinstance(reason, str) else None


def build_problem(
    scope: Scope,
    status: int,
    detail: str | None = None,
    errors: Sequence[FieldError] | None = None,
) -> Problem:
    fields: dict[str, Any] = {
        "title": status_phrase(status),
        "status": status,
        "detail": detail,
        "instance": scope.get("path"),
        "request_id": request_id_of(scope),
    }
    if errors is not None:
        return ValidationProblem(**fields, errors=list(errors))
    return Problem(**fields)


def problem_response(
    scope: Scope,
    status: int,
    detail: str | None = None,
    *,
    errors: Sequence[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> ProblemResponse:
    """A problem+json response for the request in `scope`."""
    problem = build_problem(scope, status, detail, errors)
    return ProblemResponse(
        problem.model_dump(mode="json", exclude_none=True), status_code=status, headers=headers
    )


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries documenting each status as a problem+json body."""
    return {
        status: {
            "model": ValidationProblem if status == UNPROCESSABLE else Problem,
            "description": status_phrase(status),
        }
        for status in statuses
    }
