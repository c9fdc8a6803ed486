"""Exception handlers that turn HTTP and validation errors into problem+json responses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from app.core.allowed_methods import METHOD_NOT_ALLOWED, method_not_allowed_handler
from app.core.logging import get_logger
from app.core.malformed_json import BAD_REQUEST, malformed_json_detail
from app.core.problems import (
    GENERIC_500_DETAIL,
    INTERNAL_SERVER_ERROR,
    UNPROCESSABLE,
    FieldError,
    note_log_reason,
    problem_response,
    status_phrase,
)
from app.core.unsupported_media_type import (
    JSON_MEDIA_TYPE,
    UNSUPPORTED_MEDIA_TYPE,
    non_json_body_detail,
)

logger = get_logger("app.errors")


class ServiceError(Exception):
    """An expected failure of a domain operation, answered as a problem with `status_code`."""

    status_code: ClassVar[int] = 400

    def __init__(
        self,
        detail: str,
        headers: Mapping[str, str] | None = None,
        log_reason: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers
        # What the operator needs to know (the access log line gets it); never sent to clients.
        self.log_reason = log_reason


async def service_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ServiceError)  # noqa: S101 - registered for this type only
    if exc.log_reason is not None:
        note_log_reason(request.scope, exc.log_reason)
    return problem_response(request.scope, exc.status_code, exc.detail, headers=exc.headers)


async def http_exception_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101 - registered for this type only
    detail: str | None = exc.detail if isinstance(exc.detail, str) else None
    # Starlette fills detail with the status phrase when none is given; that adds nothing to title.
    if detail == status_phrase(exc.status_code):
        detail = None
    return problem_response(request.scope, exc.status_code, detail, headers=exc.headers)


async def validation_exception_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for this type only
    malformed = malformed_json_detail(exc)
    if malformed is not None:
        return problem_response(request.scope, BAD_REQUEST, malformed)
    not_json = non_json_body_detail(request, exc)
    if not_json is not None:
        # RFC 9110 15.5.16: Accept names the media type that would have been accepted.
        accept = {"Accept": JSON_MEDIA_TYPE}
        return problem_response(request.scope, UNSUPPORTED_MEDIA_TYPE, not_json, headers=accept)
    errors = [
        FieldError(
            field=".".join(str(part) for part in error.get("loc", ())),
            message=str(error.get("msg", "")),
            type=str(error.get("type", "")),
        )
        for error in exc.errors()
    ]
    return problem_response(
        request.scope,
        UNPROCESSABLE,
        f"{len(errors)} field(s) failed validation",
        errors=errors,
    )


async def unhandled_exception_handler(request: Request, exc: Exception) -> Response:
    # Starlette's outermost error middleware calls this for exceptions raised outside the core
    # stack (e.g. in a feature's middleware); UnhandledErrorMiddleware catches all the others.
    logger.error(
        "unhandled exception",
        method=request.method,
        path=request.url.path,
        exc_info=exc,
    )
    return problem_response(request.scope, INTERNAL_SERVER_ERROR, GENERIC_500_DETAIL)


def install_error_handlers(app: FastAPI) -> None:
    """Register the problem+json handlers (inner unexpected exceptions are middleware's job)."""
    app.add_exception_handler(StarletteHTTPException, http_exception_handler)
    app.add_exception_handler(METHOD_NOT_ALLOWED, method_not_allowed_handler)
    app.add_exception_handler(RequestValidationError, validation_exception_handler)
    app.add_exception_handler(ServiceError, service_error_handler)
    app.add_exception_handler(Exception, unhandled_exception_handler)
