"""A body that is not well-formed JSON: 400, saying where parsing stopped (line, column)."""

from __future__ import annotations

from fastapi.exceptions import RequestValidationError

BAD_REQUEST = 400


def malformed_json_detail(exc: RequestValidationError) -> str | None:
    """What is wrong with the body and where, if `exc` is FastAPI's JSON decode error; else None.

    FastAPI reports a body it cannot parse as a 422 validation error located at
    ("body", <character offset>); it is a syntax error, so it is answered 400 instead.
    """
    errors = exc.errors()
    if len(errors) != 1 or errors[0].get("type") != "json_invalid":
        return None
    location = tuple(errors[0].get("loc", ()))
    if len(location) != 2 or location[0] != "body" or not isinstance(location[1], int):
        return None
    offset = location[1]
    reason = str((errors[0].get("ctx") or {}).get("error") or "invalid JSON")
    document = exc.body if isinstance(exc.body, str) else ""
    line = document.count("\n", 0, offset) + 1
    column = offset - (document.rfind("\n", 0, offset) + 1) + 1
    return (
        f"The body is not valid JSON: {reason} at line {line}, column {column} "
        f"(character {offset})."
    )
