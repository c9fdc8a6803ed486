"""The Idempotency-Key header as clients see it: its allowed form, and its OpenAPI description."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from app.core.problems import PROBLEM_MEDIA_TYPE

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
KEY_CHARACTERS = "letters, digits and . _ : -"
# ECMA-262 and Python read this pattern alike (the OpenAPI dialect and the service's check).
KEY_PATTERN = rf"^[A-Za-z0-9._:-]{{1,{MAX_KEY_LENGTH}}}$"
_KEY = re.compile(KEY_PATTERN)
KEY_RULE = f"1 to {MAX_KEY_LENGTH} characters: {KEY_CHARACTERS} (a UUID fits)"


def key_problem(key: str) -> str | None:
    """Why `key` is not an acceptable Idempotency-Key, or None if it is."""
    if _KEY.fullmatch(key) is None:
        return f"{HEADER} must be {KEY_RULE}; got {len(key)} characters that are not."
    return None


PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": (
        "A key of your choice, unique per operation you mean to perform once. Retrying with "
        "the same key and body replays the first response (marked Idempotent-Replayed: true) "
        f"instead of repeating the operation. {KEY_RULE}."
    ),
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_KEY_LENGTH,
        "pattern": KEY_PATTERN,
    },
}
RESPONSES = {
    "400": "Idempotency-Key is malformed; detail says what is allowed",
    "409": "A request with this Idempotency-Key is still in progress; retry shortly",
    "422": "This Idempotency-Key was used with a different request body",
}


def document_idempotency(schema: dict[str, Any], applies_to: Callable[[str], bool]) -> None:
    """Add the header and its answers to every POST operation it `applies_to` (by path)."""
    for path, operations in schema.get("paths", {}).items():
        operation = operations.get("post")
        if operation is None or not applies_to(path):
            continue
        parameters = operation.setdefault("parameters", [])
        if all(parameter.get("name") != HEADER for parameter in parameters):
            parameters.append(dict(PARAMETER))
        responses = operation.setdefault("responses", {})
        for status, description in RESPONSES.items():
            # 422 is a ValidationProblem (with `errors`) everywhere in this service.
            model = "ValidationProblem" if status == "422" else "Problem"
            content = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": f"#/components/schemas/{model}"}}}
            responses.setdefault(status, {"description": description, "content": content})
        operation["responses"] = dict(sorted(responses.items()))
        for status, response in operation["responses"].items():
            if status.startswith("2"):
                headers = response.setdefault("headers", {})
                headers.setdefault(
                    REPLAYED_HEADER,
                    {
                        "description": "true when this is the stored response of an earlier try",
                        # Only a replay carries it: a first answer has no such header.
                        "required": False,
                        "schema": {"type": "string", "enum": ["true"]},
                    },
                )
