"""The OpenAPI document: problem+json errors, and a contract that says what the service accepts."""

from __future__ import annotations

from typing import Any

import httpx
import jsonschema_rs

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


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    ]


async def test_every_operation_documents_the_answers_the_stack_can_give(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()
    for method, path, operation in _operations(document):
        documented = set(operation["responses"])
        assert {"431", "500", "503"} <= documented, f"{method} {path}"
        if "requestBody" in operation:
            # Malformed JSON, too large, not JSON, failing validation.
            assert {"400", "413", "415", "422"} <= documented, f"{method} {path}"
        else:
            assert "415" not in documented, f"{method} {path}"


async def test_parameters_are_never_null_and_428_means_a_required_if_match(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()
    for method, path, operation in _operations(document):
        for parameter in operation.get("parameters", []):
            # A query or header value is text or absent; "null" would be sent as the text "null".
            assert {"type": "null"} not in parameter["schema"].get("anyOf", []), parameter
        headers = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"}
        if "428" in operation["responses"]:
            assert headers["if-match"]["required"] is True, f"{method} {path}"
    paths = document["paths"]
    delete_if_match = paths["/items/{item_id}"]["delete"]["parameters"][1]
    assert (delete_if_match["name"], delete_if_match.get("required")) == ("if-match", False)


async def test_update_schema_refuses_what_validation_refuses(client: httpx.AsyncClient) -> None:
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    update = schemas["ItemUpdate"]
    assert update["minProperties"] == 1, "an empty change is refused"
    assert update["additionalProperties"] is False
    for name in ("name", "price"):
        assert (
            "anyOf" not in update["properties"][name]
            or {"type": "null"} not in (update["properties"][name]["anyOf"])
        ), f"{name}: null is refused"
        assert "default" not in update["properties"][name], "omitted means unchanged"


# Prices and names either side of each documented rule; " 1" and "1e3" parse as decimals.
TEXT_PRICES = "19.99 0 0.5 9999999999.99 0012.30 -1 +1 1e3 1.001 NaN Infinity 10000000000 .5 5."
NUMBERS = [19, 0, 19.0, 19.5, -1, 10**10, True]
PRICES: list[Any] = [*TEXT_PRICES.split(), *NUMBERS, "", " 1", "1 ", None, []]
NAMES = ["", "x" * 200, "x" * 201, "a\x00b", " ", "😀"]
DESCRIPTIONS = [None, "", "\x00", "d" * 2001]
BODIES: list[dict[str, Any]] = [
    *({"name": "Anvil", "price": price} for price in PRICES),
    *({"name": name, "price": "1"} for name in NAMES),
    *({"name": "Anvil", "price": "1", "description": text} for text in DESCRIPTIONS),
]


async def test_the_create_schema_accepts_exactly_what_the_service_accepts(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()
    schema = {"$ref": "#/components/schemas/ItemCreate", "components": document["components"]}
    validator = jsonschema_rs.validator_for(schema)
    for number, body in enumerate(BODIES):
        # Distinct names, so no body is refused only for repeating an earlier one (409).
        if body["name"] == "Anvil":
            body = {**body, "name": f"Anvil {number}"}
        response = await client.post("/items", json=body)
        assert response.status_code in {201, 422}, response.text
        accepted = response.status_code == 201
        assert validator.is_valid(body) == accepted, f"{body!r}: schema and service disagree"
