"""Property-based: generated requests, valid or not, never get a 5xx or an answer off the OpenAPI.

Each answer's status must be documented for its operation, its media type too, and its body must
validate against the documented JSON schema (checked independently of FastAPI, with jsonschema-rs).
"""

from __future__ import annotations

import asyncio
import json
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

import httpx
import jsonschema_rs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.main import create_app
from tests.conftest import MakeSettings, empty_items_table, started
from tests.support.coverage import coverage_paused

EXAMPLES = 150
ASCII_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)
JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)
# Text databases and LIKE patterns are known to trip on, mixed into every free-text input.
TRICKY_TEXT = st.sampled_from(
    ["\x00", "a\x00b", "%", "_", "\\", "'; DROP TABLE items; --", "\u202e", "😀", " ", "Ǆ"]
)
# Each input mixes values the schema allows with ones it does not, so both paths are explored.
VALID_PRICES = st.decimals(min_value=0, max_value=10**6, places=2).map(str)
INTEGER_TEXT = st.integers(min_value=-5, max_value=150).map(str) | ASCII_TEXT
PRICES = st.one_of(
    st.decimals(min_value=-1, max_value=10**11, places=2).map(str),
    st.integers(min_value=-5, max_value=10**12),
    st.floats(allow_nan=False),
    ASCII_TEXT,
    JSON_VALUES,
)
NAMES = st.one_of(st.text(max_size=210), TRICKY_TEXT, st.sampled_from(["Anvil", ""]), JSON_VALUES)
ITEM_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "name": NAMES,
        "description": st.one_of(st.none(), st.text(max_size=50), TRICKY_TEXT, st.just("d" * 2001)),
        "price": PRICES,
        "colour": JSON_VALUES,
    },
)
VALID_ITEMS = st.fixed_dictionaries(
    {
        # Valid as far as the schema says: text may still hold characters a database refuses.
        "name": TRICKY_TEXT | st.text(min_size=1, max_size=200),
        "price": VALID_PRICES,
    },
    optional={"description": st.none() | TRICKY_TEXT | st.text(max_size=100)},
)
ETAGS = st.one_of(st.none(), st.sampled_from(['"1"', '"2"', "*", 'W/"1"']), ASCII_TEXT)


@dataclass
class Call:
    """One request, named by the OpenAPI operation it targets."""

    method: str
    template: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    raw_body: bytes | None = None


def _item_ids(known: list[int]) -> st.SearchStrategy[str]:
    # Text that is not a path segment ("/", "?", "#", "." or "..") would address another route.
    segments = ASCII_TEXT.filter(lambda text: text.strip(" .") and not set(text) & set("/?#%\\"))
    return st.one_of(
        st.sampled_from(known).map(str),
        st.integers(min_value=-(2**64), max_value=2**64).map(str),
        segments,
    )


def _bodies(draw: st.DrawFn) -> tuple[Any, bytes | None]:
    kind = draw(st.sampled_from(["valid", "fields", "json", "raw"]))
    if kind == "raw":
        return None, draw(st.binary(max_size=30))
    strategy = {"valid": VALID_ITEMS, "fields": ITEM_FIELDS, "json": JSON_VALUES}[kind]
    return draw(strategy), None


def _headers(**values: str | None) -> dict[str, str]:
    return {name: value for name, value in values.items() if value is not None}


@st.composite
def calls(draw: st.DrawFn, known_ids: list[int]) -> Call:
    item_id = draw(_item_ids(known_ids))
    kind = draw(
        st.sampled_from(["create", "list", "read", "update", "delete", "healthz", "readyz"])
    )
    if kind == "create":
        body, raw = _bodies(draw)
        return Call("POST", "/items", "/items", body=body, raw_body=raw)
    if kind == "list":
        params = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "limit": st.integers(min_value=1, max_value=100) | INTEGER_TEXT,
                    "cursor": ASCII_TEXT,
                    "name_contains": TRICKY_TEXT | st.text(max_size=210),
                    "min_price": VALID_PRICES | PRICES.map(str),
                    "max_price": VALID_PRICES | PRICES.map(str),
                },
            )
        )
        return Call("GET", "/items", "/items", params=params)
    template = "/items/{item_id}"
    if kind == "read":
        headers = _headers(**{"If-None-Match": draw(ETAGS)})
        return Call("GET", template, f"/items/{item_id}", headers=headers)
    if kind == "update":
        headers = _headers(**{"If-Match": draw(ETAGS)})
        body, raw = _bodies(draw)
        path = f"/items/{item_id}"
        return Call("PATCH", template, path, headers=headers, body=body, raw_body=raw)
    if kind == "delete":
        headers = _headers(**{"If-Match": draw(ETAGS)})
        return Call("DELETE", template, f"/items/{item_id}", headers=headers)
    return Call("GET", f"/{kind}", f"/{kind}")


class OpenApiConformance:
    """Checks answers against the documented responses of each operation."""

    def __init__(self, openapi: dict[str, Any]) -> None:
        self.openapi = openapi
        self._validators: dict[str, Any] = {}

    def _validator(self, schema: dict[str, Any]) -> Any:
        key = json.dumps(schema, sort_keys=True)
        if key not in self._validators:
            document = {**schema, "components": self.openapi.get("components", {})}
            self._validators[key] = jsonschema_rs.validator_for(document)
        return self._validators[key]

    def check(self, call: Call, response: httpx.Response) -> None:
        where = f"{call.method} {call.path} -> {response.status_code}"
        assert response.status_code < 500, f"{where}: server error {response.text}"
        operation = self.openapi["paths"][call.template][call.method.lower()]
        documented = operation["responses"].get(str(response.status_code))
        assert documented is not None, f"{where}: status not in the OpenAPI"
        for header, described in documented.get("headers", {}).items():
            # A header documented as sometimes absent (`required: false`) may be missing.
            if described.get("required", True):
                assert header in response.headers, f"{where}: documented header {header} missing"
        content = documented.get("content")
        if not content:
            assert response.content == b"", f"{where}: body where none is documented"
            return
        media_type = response.headers["content-type"].split(";")[0]
        assert media_type in content, f"{where}: {media_type} not documented"
        errors = [
            e.message
            for e in self._validator(content[media_type]["schema"]).iter_errors(response.json())
        ]
        assert not errors, f"{where}: body off schema: {errors} in {response.text}"


async def _send(client: httpx.AsyncClient, call: Call) -> httpx.Response:
    if call.raw_body is not None:
        headers = {**call.headers, "content-type": "application/json"}
        return await client.request(
            call.method, call.path, params=call.params, headers=headers, content=call.raw_body
        )
    return await client.request(
        call.method,
        call.path,
        params=call.params,
        headers=call.headers,
        json=call.body if call.method in {"POST", "PATCH"} else None,
    )


def test_answers_to_generated_requests_conform_to_the_openapi(make_settings: MakeSettings) -> None:
    app = create_app(make_settings())
    conformance = OpenApiConformance(app.openapi())
    # A private loop: hypothesis drives examples synchronously, one request at a time.
    loop = asyncio.new_event_loop()
    resources = AsyncExitStack()
    try:
        client = loop.run_until_complete(resources.enter_async_context(started(app)))
        loop.run_until_complete(empty_items_table(app))
        seeded = [
            loop.run_until_complete(client.post("/items", json={"name": name, "price": "1"}))
            for name in ("Anvil", "Rope", "Lamp")
        ]
        known_ids = [response.json()["id"] for response in seeded]

        @given(call=calls(known_ids))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        )
        def answer_conforms(call: Call) -> None:
            conformance.check(call, loop.run_until_complete(_send(client, call)))

        with coverage_paused():
            answer_conforms()
    finally:
        loop.run_until_complete(resources.aclose())
        loop.close()
