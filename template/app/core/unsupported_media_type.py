"""415 for a request body that is not JSON, sent to a route that reads a JSON body."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError

UNSUPPORTED_MEDIA_TYPE = 415
JSON_MEDIA_TYPE = "application/json"
# Enough of a wrong Content-Type to recognise it; the header itself may be kilobytes long.
_QUOTED_CHARACTERS = 80


def non_json_body_detail(request: Request, exc: RequestValidationError) -> str | None:
    """What to send instead, if the body failed validation because it was not JSON; else None.

    FastAPI parses a body as JSON only when Content-Type is application/json or +json; any
    other body reaches validation as raw bytes and was answered 422 "Input should be a valid
    dictionary". Forms and uploads never get here: they are parsed as what they are.
    """
    unparsed = any(
        tuple(error.get("loc", ()))[:1] == ("body",)
        and isinstance(error.get("input"), bytes | bytearray)
        for error in exc.errors()
    )
    if not unparsed:
        return None
    content_type = request.headers.get("content-type")
    sent = "none" if content_type is None else repr(content_type[:_QUOTED_CHARACTERS])
    return f"Send the body as JSON with Content-Type: {JSON_MEDIA_TYPE} (got {sent})."
