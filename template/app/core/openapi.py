"""OpenAPI clean-up: error responses as application/problem+json, and the shared contract."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.core.openapi_contract import (
    add_shared_responses,
    shared_responses,
    state_parameters_as_read,
)
from app.core.problems import PROBLEM_MEDIA_TYPE, Problem, ValidationProblem

_REF_PREFIX = "#/components/schemas/"
_PROBLEM_SCHEMAS = {"Problem", "ValidationProblem"}
# FastAPI's own 422 body; ours replaces it everywhere, so its schemas are dropped.
_FASTAPI_VALIDATION_SCHEMAS = {"HTTPValidationError", "ValidationError"}


def _retarget_error_responses(schema: dict[str, Any]) -> None:
    validation_ref = {"$ref": f"{_REF_PREFIX}{ValidationProblem.__name__}"}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                json_body = content.get("application/json")
                if json_body is None:
                    continue
                ref = json_body.get("schema", {}).get("$ref", "")
                name = ref.removeprefix(_REF_PREFIX)
                if name in _FASTAPI_VALIDATION_SCHEMAS and status == "422":
                    json_body = {"schema": validation_ref}
                elif name not in _PROBLEM_SCHEMAS:
                    continue
                del content["application/json"]
                content[PROBLEM_MEDIA_TYPE] = json_body


def _add_problem_schemas(schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        components.pop(name, None)
    for model in (Problem, ValidationProblem):
        generated = model.model_json_schema(ref_template=_REF_PREFIX + "{model}")
        components.update(generated.pop("$defs", {}))
        components.setdefault(model.__name__, generated)


def install_openapi(app: FastAPI) -> None:
    """Replace app.openapi with a cached builder that applies the problem+json clean-up."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            add_shared_responses(schema, shared_responses(app))
            state_parameters_as_read(schema)
            _retarget_error_responses(schema)
            _add_problem_schemas(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
