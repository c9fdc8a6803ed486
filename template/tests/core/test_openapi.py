"""The OpenAPI document: errors are documented as problem+json, with our validation body."""

from __future__ import annotations

import httpx

from app.core.problems import PROBLEM_MEDIA_TYPE


async def test_error_responses_are_documented_as_problem_json(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    schemas = document["components"]["schemas"]
    assert {"Problem", "ValidationProblem", "FieldError"} <= set(schemas)
    assert "HTTPValidationError" not in schemas

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if not status.startswith("4"):
                    continue
                content = response["content"]
                assert list(content) == [PROBLEM_MEDIA_TYPE], f"{method} {path} {status}"
                ref = content[PROBLEM_MEDIA_TYPE]["schema"]["$ref"]
                expected = "ValidationProblem" if status == "422" else "Problem"
                assert ref.endswith(f"/{expected}"), f"{method} {path} {status}: {ref}"


async def test_item_operations_document_their_failures(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert {"409", "413", "422"} <= set(paths["/items"]["post"]["responses"])
    assert {"400", "422"} <= set(paths["/items"]["get"]["responses"])
    assert {"404", "412", "428"} <= set(paths["/items/{item_id}"]["patch"]["responses"])
    assert "ETag" in paths["/items/{item_id}"]["get"]["responses"]["200"]["headers"]
