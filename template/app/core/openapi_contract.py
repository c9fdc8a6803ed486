"""What the OpenAPI document promises beyond each route's own declarations.

Responses the middleware stack can give any operation (a body that is not JSON, an unexpected
error, a database outage, a feature such as rate limiting), and parameter schemas stated as the
service reads them: a query or header parameter is absent or a string, never JSON null; a
precondition the service answers 428 without is a required header.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI

from app.core.problems import PROBLEM_MEDIA_TYPE, Problem

_REF_PREFIX = "#/components/schemas/"
PRECONDITION_REQUIRED = "428"
# Conditional request headers whose absence a 428 answers (RFC 6585 section 3).
PRECONDITION_HEADERS = frozenset({"if-match"})
_NULL = {"type": "null"}


@dataclass(frozen=True)
class SharedResponse:
    """A problem+json answer any operation may give, documented on each one it applies to."""

    status: int
    description: str
    # Only operations that take a request body (malformed, too large, not JSON).
    with_body_only: bool = False
    except_paths: Collection[str] = ()
    headers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


RETRY_AFTER = {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}
CORE_RESPONSES = (
    SharedResponse(400, "The body is not well-formed JSON; detail says where", with_body_only=True),
    SharedResponse(413, "The body is larger than MAX_REQUEST_BODY_BYTES", with_body_only=True),
    SharedResponse(
        415,
        "The body is not JSON: send Content-Type: application/json",
        with_body_only=True,
        headers={"Accept": {"description": "The media type to send", "schema": {"type": "string"}}},
    ),
    SharedResponse(
        431, "The request head exceeds MAX_REQUEST_HEADER_BYTES or MAX_REQUEST_HEADER_COUNT"
    ),
    SharedResponse(500, "Unexpected error; quote the request id when reporting it"),
    SharedResponse(
        503,
        "A dependency is unavailable or the service is shutting down; retry later",
        headers={"Retry-After": RETRY_AFTER},
    ),
)


def document_response(app: FastAPI, response: SharedResponse) -> None:
    """Document `response` on every operation it applies to (features call this from install)."""
    app.state.shared_responses = [*shared_responses(app), response]
    app.openapi_schema = None


def shared_responses(app: FastAPI) -> list[SharedResponse]:
    return list(getattr(app.state, "shared_responses", CORE_RESPONSES))


def _operations(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (path, operation)
        for path, operations in schema.get("paths", {}).items()
        for operation in operations.values()
    ]


def add_shared_responses(schema: dict[str, Any], responses: list[SharedResponse]) -> None:
    problem = {"schema": {"$ref": f"{_REF_PREFIX}{Problem.__name__}"}}
    for path, operation in _operations(schema):
        documented = operation.setdefault("responses", {})
        for response in responses:
            if path in response.except_paths:
                continue
            if response.with_body_only and "requestBody" not in operation:
                continue
            entry: dict[str, Any] = {
                "description": response.description,
                "content": {PROBLEM_MEDIA_TYPE: problem},
            }
            if response.headers:
                entry["headers"] = {name: dict(spec) for name, spec in response.headers.items()}
            documented.setdefault(str(response.status), entry)
        operation["responses"] = dict(sorted(documented.items()))


def _without_null(parameter_schema: dict[str, Any]) -> dict[str, Any]:
    branches = parameter_schema.get("anyOf")
    if not isinstance(branches, list) or _NULL not in branches:
        return parameter_schema
    kept = [branch for branch in branches if branch != _NULL]
    rest = {key: value for key, value in parameter_schema.items() if key != "anyOf"}
    if len(kept) == 1:
        return {**kept[0], **rest}
    return {**rest, "anyOf": kept}


def state_parameters_as_read(schema: dict[str, Any]) -> None:
    """Parameters are strings or absent; 428 operations require their precondition header.

    FastAPI documents `str | None = None` as anyOf [string, null], so a fuzzer sends the text
    "null"; and a header declared optional so that its absence gets 428 (not 422) looked
    optional, though every request without it is refused.
    """
    for _, operation in _operations(schema):
        requires_precondition = PRECONDITION_REQUIRED in operation.get("responses", {})
        for parameter in operation.get("parameters", []):
            parameter["schema"] = _without_null(parameter.get("schema", {}))
            is_precondition = parameter.get("name", "").lower() in PRECONDITION_HEADERS
            if requires_precondition and parameter.get("in") == "header" and is_precondition:
                parameter["required"] = True
