"""Property-based: no header, query parameter, path id, cursor or entity tag gets a 5xx.

Whatever their length or content, every answer is below 500, every refusal is problem+json, and
nothing is logged as an error (no traceback). Runs against the database this project uses.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.cursor import CursorCodec
from app.core.logging import recorded_events
from app.core.problems import PROBLEM_MEDIA_TYPE
from app.main import create_app
from tests.conftest import TEST_SECRET_KEY, MakeSettings, empty_items_table, started
from tests.support.coverage import coverage_paused

EXAMPLES = 150
# What a header value may hold on the wire (RFC 9110 field-content, obs-text included);
# the server refuses CR, LF and NUL before the app sees a request.
FIELD_CHARACTERS = st.characters(codec="latin-1", exclude_characters="\r\n\x00")
FIELD_TEXT = st.text(FIELD_CHARACTERS, max_size=40)
# Query strings are percent-encoded UTF-8, so any character but a lone surrogate can arrive.
QUERY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
BIG_INTEGERS = st.integers(min_value=-(2**80), max_value=2**80) | st.sampled_from(
    [2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 0, -1]
)
NUMBER_WORDS = st.sampled_from(["NaN", "-Infinity", "1e999999999", "1e-999999999", "-0", "0x10"])


def any_length(
    text: st.SearchStrategy[str], alphabet: st.SearchStrategy[str], max_times: int
) -> st.SearchStrategy[str]:
    """Short text, or a unit of up to 4 characters repeated up to `max_times` (kilobytes long)."""
    repeated = st.builds(
        lambda unit, times: unit * times,
        st.text(alphabet, min_size=1, max_size=4),
        st.integers(min_value=1, max_value=max_times),
    )
    return text | repeated


# Digit runs around the limits that bite: BIGINT (19 digits) and int()'s 4300-digit ceiling.
DIGITS = st.one_of(
    st.sampled_from([1, 19, 20, 4300, 4301, 6000]).map(lambda n: "9" * n),
    st.integers(min_value=1, max_value=6000).map(lambda n: "9" * n),
    BIG_INTEGERS.map(str),
)
ENTITY_TAGS = st.builds(
    lambda weak, digits: f'{"W/" if weak else ""}"{digits}"', st.booleans(), DIGITS
)
TAG_LISTS = st.lists(ENTITY_TAGS | st.just("*") | FIELD_TEXT, min_size=1, max_size=30).map(
    ", ".join
)
HEADER_VALUES = any_length(FIELD_TEXT, FIELD_CHARACTERS, 5000) | TAG_LISTS | DIGITS
PRECONDITIONS = st.sampled_from(["If-Match", "If-None-Match"])
HEADER_NAMES = st.sampled_from(
    [
        "X-Request-ID",
        "Accept-Encoding",
        "Accept",
        "Origin",
        "Cookie",
        "Authorization",
        "Traceparent",
        "X-Forwarded-For",
        "X-Forwarded-Proto",
        "Forwarded",
        "Host",
        "Content-Type",
        "Range",
        "X-Anything",
    ]
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | BIG_INTEGERS | st.floats() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["after", "before", "id"]), children, max_size=3)
    ),
    max_leaves=8,
)
# httpx refuses a query over 64 KiB: five parameters of up to 800 characters (up to 12 bytes
# each once percent-encoded) plus a 6000-digit number stay below it.
QUERY_VALUES = (
    any_length(QUERY_TEXT, st.characters(exclude_categories=["Cs"]), 200) | DIGITS | NUMBER_WORDS
)


def signed(payload: bytes) -> str:
    signature = CursorCodec(TEST_SECRET_KEY)._sign(payload)
    return ".".join(
        base64.urlsafe_b64encode(part).rstrip(b"=").decode() for part in (payload, signature)
    )


# Signed with the service's key, so only the content checks stand between them and the database.
SIGNED_CURSORS = st.one_of(
    JSON_VALUES.map(lambda value: signed(json.dumps({"after": value}).encode())),
    JSON_VALUES.map(lambda value: signed(json.dumps(value).encode())),
    st.binary(max_size=64).map(signed),
)


@dataclass
class Call:
    method: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[bytes, bytes] = field(default_factory=dict)
    body: dict[str, str] | None = None


def _paths(known_id: int) -> st.SearchStrategy[tuple[str, str]]:
    known = st.just(f"/items/{known_id}")
    other = BIG_INTEGERS.map(lambda item_id: f"/items/{item_id}")
    # The known item is never deleted, so reads with If-None-Match keep reaching its version.
    one = st.tuples(st.sampled_from(["GET", "PATCH"]), known | other)
    delete = st.tuples(st.just("DELETE"), other)
    many = st.tuples(st.sampled_from(["GET", "POST"]), st.just("/items"))
    probes = st.tuples(st.just("GET"), st.sampled_from(["/healthz", "/readyz"]))
    return one | delete | many | probes


@st.composite
def calls_with_hostile_headers(draw: st.DrawFn, known_id: int) -> Call:
    method, path = draw(_paths(known_id))
    # An entity tag, a list of them, or anything at all: each a third of the time.
    tag = draw(st.sampled_from([ENTITY_TAGS, TAG_LISTS, HEADER_VALUES]).flatmap(lambda s: s))
    headers = {draw(PRECONDITIONS).encode(): tag.encode("latin-1")}
    for name in draw(st.lists(HEADER_NAMES, max_size=3, unique=True)):
        headers[name.encode()] = draw(HEADER_VALUES).encode("latin-1")
    body = {"name": "Lamp", "price": "2"} if method in {"POST", "PATCH"} else None
    return Call(method, path, headers=headers, body=body)


@st.composite
def calls_with_hostile_queries(draw: st.DrawFn, known_id: int) -> Call:
    params = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "limit": QUERY_VALUES,
                "cursor": QUERY_VALUES,
                "name_contains": QUERY_VALUES,
                "min_price": QUERY_VALUES,
                "max_price": QUERY_VALUES,
            },
        )
    )
    if draw(st.booleans()):
        return Call("GET", "/items", params=params)
    method, path = draw(_paths(known_id))
    body = {"name": "Lamp", "price": "2"} if method in {"POST", "PATCH"} else None
    return Call(method, path, params=params, body=body)


@st.composite
def lists_with_signed_cursors(draw: st.DrawFn) -> Call:
    params = {"cursor": draw(SIGNED_CURSORS)}
    if draw(st.booleans()):
        params["limit"] = str(draw(st.integers(min_value=1, max_value=100)))
    return Call("GET", "/items", params=params)


def assert_answered_as_a_client_error_at_worst(call: Call, response: httpx.Response) -> None:
    where = (
        f"{call.method} {call.path} {call.params} {list(call.headers)} -> {response.status_code}"
    )
    assert response.status_code < 500, f"{where}: {response.text[:500]}"
    if response.status_code >= 400:
        assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE, where
        assert response.json()["status"] == response.status_code, where


class PrivateLoopClient:
    """A started app and its client on a private loop: hypothesis runs examples synchronously."""

    def __init__(self, app: FastAPI) -> None:
        self.loop = asyncio.new_event_loop()
        self.resources = AsyncExitStack()
        self.client = self.loop.run_until_complete(self.resources.enter_async_context(started(app)))
        self.loop.run_until_complete(empty_items_table(app))

    def send(self, call: Call) -> httpx.Response:
        request = self.client.request(
            call.method, call.path, params=call.params, headers=call.headers, json=call.body
        )
        return self.loop.run_until_complete(request)

    def close(self) -> None:
        self.loop.run_until_complete(self.resources.aclose())
        self.loop.close()


# The in-process client connects from 127.0.0.1: trusting it sends hostile X-Forwarded-* values
# through the client-address resolver too. Rate limits, where that feature exists, are lifted so
# every example reaches the routes instead of a 429.
HOSTILE_ENV = {
    "APP_TRUSTED_PROXIES": "127.0.0.0/8",
    "RATE_LIMIT_DEFAULT": "100000/minute",
    "RATE_LIMIT_WRITE": "100000/minute",
}


@pytest.fixture
def private_client(make_settings: MakeSettings) -> Iterator[PrivateLoopClient]:
    client = PrivateLoopClient(create_app(make_settings(**HOSTILE_ENV)))
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def no_errors_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    # Only what matters is captured: capturing every request line made the test ten times slower.
    caplog.set_level(logging.WARNING)
    with recorded_events() as events:
        yield
    # The service's own errors (an unhandled exception, a 5xx access line) and any traceback; not
    # the noise of, say, a tracing exporter with no collector to talk to.
    errors = [
        str(event)[:300]
        for event in events
        if event["level"] in {"error", "critical"} and event["logger"].split(".")[0] == "app"
    ]
    errors += [
        record.getMessage()[:300]
        for record in caplog.records
        if record.levelno >= logging.ERROR
        and (record.name.startswith("uvicorn") or record.exc_info)
    ]
    assert not errors, errors


def _explore(client: PrivateLoopClient, strategy: st.SearchStrategy[Call]) -> None:
    @given(call=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    def answered(call: Call) -> None:
        assert_answered_as_a_client_error_at_worst(call, client.send(call))

    with coverage_paused():
        answered()


def _seed(client: PrivateLoopClient) -> int:
    created = client.send(Call("POST", "/items", body={"name": "Anvil", "price": "1"}))
    return int(created.json()["id"])


@pytest.mark.usefixtures("no_errors_logged")
def test_no_header_value_gets_a_server_error(private_client: PrivateLoopClient) -> None:
    _explore(private_client, calls_with_hostile_headers(_seed(private_client)))


@pytest.mark.usefixtures("no_errors_logged")
def test_no_signed_cursor_gets_a_server_error(private_client: PrivateLoopClient) -> None:
    _seed(private_client)
    _explore(private_client, lists_with_signed_cursors())


@pytest.mark.usefixtures("no_errors_logged")
def test_no_query_parameter_or_path_id_gets_a_server_error(
    private_client: PrivateLoopClient,
) -> None:
    _explore(private_client, calls_with_hostile_queries(_seed(private_client)))
