"""HTTP middleware: request ids, security headers, CORS, gzip, body limits and the access log."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from app.core.middleware import add_feature_middleware
from app.core.middleware.body_limit import BodySizeLimitMiddleware
from app.core.middleware.request_id import accepted_request_id
from app.core.middleware.security_headers import API_CSP, DOCS_CSP
from app.core.problems import PROBLEM_MEDIA_TYPE
from app.main import create_app
from tests.conftest import MakeClient, MakeSettings

Events = Callable[[], list[dict[str, Any]]]


async def test_request_id_is_echoed_when_sane(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "abc-123_XYZ.7"})
    assert response.headers["x-request-id"] == "abc-123_XYZ.7"


@pytest.mark.parametrize("sent", [None, "", "x" * 129, "has space", "tab\there", "ünïcode"])
async def test_request_id_is_generated_when_missing_or_unsafe(
    client: httpx.AsyncClient, sent: str | None
) -> None:
    headers = [] if sent is None else [(b"X-Request-ID", sent.encode())]
    response = await client.get("/healthz", headers=headers)
    generated = response.headers["x-request-id"]
    assert generated != sent
    assert len(generated) == 32
    assert int(generated, 16) >= 0


def test_request_id_limit_is_128_visible_characters() -> None:
    assert accepted_request_id(b"a" * 128) == "a" * 128
    assert accepted_request_id(b"a" * 129) is None
    assert accepted_request_id(b"\x7f") is None


async def test_security_headers_on_api_responses(client: httpx.AsyncClient) -> None:
    for response in (await client.get("/healthz"), await client.get("/missing")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["content-security-policy"] == API_CSP
        assert "strict-transport-security" not in response.headers


async def test_docs_get_a_policy_that_lets_swagger_ui_load(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == DOCS_CSP
    assert "cdn.jsdelivr.net" in response.text


async def test_hsts_is_sent_when_configured(make_client: MakeClient) -> None:
    async with make_client(HSTS_MAX_AGE_SECONDS="31536000") as client:
        response = await client.get("/healthz")
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


async def test_cors_is_off_unless_origins_are_configured(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"Origin": "https://app.example.com"})
    assert "access-control-allow-origin" not in response.headers


async def test_cors_allows_only_configured_origins(make_client: MakeClient) -> None:
    async with make_client(CORS_ALLOW_ORIGINS="https://app.example.com") as client:
        allowed = await client.options(
            "/items",
            headers={
                "Origin": "https://app.example.com",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        simple = await client.get("/healthz", headers={"Origin": "https://app.example.com"})
        other = await client.get("/healthz", headers={"Origin": "https://evil.example.com"})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://app.example.com"
    assert allowed.headers["access-control-max-age"] == "600"
    assert simple.headers["access-control-allow-origin"] == "https://app.example.com"
    assert "x-request-id" in simple.headers["access-control-expose-headers"].lower()
    assert "access-control-allow-origin" not in other.headers


async def test_large_responses_are_gzipped(client: httpx.AsyncClient) -> None:
    for index in range(12):
        created = await client.post("/items", json={"name": f"item {index}", "price": "1.00"})
        assert created.status_code == 201
    response = await client.get("/items", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert len(response.json()["items"]) == 12  # httpx decompressed it
    small = await client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers


async def test_clients_without_gzip_get_plain_bodies_that_say_they_vary(
    client: httpx.AsyncClient,
) -> None:
    for index in range(12):
        created = await client.post("/items", json={"name": f"item {index}", "price": "1.00"})
        assert created.status_code == 201
    gzipped = await client.get("/items", headers={"Accept-Encoding": "gzip"})
    for accept_encoding in ("identity", "br"):
        plain = await client.get("/items", headers={"Accept-Encoding": accept_encoding})
        assert "content-encoding" not in plain.headers
        assert plain.json() == gzipped.json()
        # A shared cache must not give this uncompressed copy to clients that take gzip.
        assert "accept-encoding" in plain.headers["vary"].lower()
    assert "accept-encoding" in gzipped.headers["vary"].lower()


async def test_declared_oversized_body_is_refused_at_once(make_client: MakeClient) -> None:
    async with make_client(MAX_REQUEST_BODY_BYTES="100") as client:
        response = await client.post(
            "/items", content=b"x" * 101, headers={"content-type": "application/json"}
        )
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert "100 bytes" in response.json()["detail"]


async def test_streamed_oversized_body_is_refused_while_reading(make_client: MakeClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"name": "'
        for _ in range(10):
            yield b"x" * 50
        yield b'", "price": "1.00"}'

    async with make_client(MAX_REQUEST_BODY_BYTES="100") as client:
        response = await client.post(
            "/items", content=chunks(), headers={"content-type": "application/json"}
        )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE


async def test_body_within_the_limit_is_accepted(make_client: MakeClient) -> None:
    body = json.dumps({"name": "fits", "price": "1.00"}).encode()
    async with make_client(MAX_REQUEST_BODY_BYTES=str(len(body))) as client:
        response = await client.post(
            "/items", content=body, headers={"content-type": "application/json"}
        )
    assert response.status_code == 201


async def test_access_log_has_one_line_per_request(
    client: httpx.AsyncClient, log_events: Events
) -> None:
    created = await client.post("/items", json={"name": "logged", "price": "2.00"})
    await client.get(f"/items/{created.json()['id']}", headers={"X-Request-ID": "trace-1"})
    await client.get("/healthz")
    await client.get("/readyz")

    access = [event for event in log_events() if event.get("logger") == "app.access"]
    assert [event["path"] for event in access] == ["/items", f"/items/{created.json()['id']}"]
    line = access[1]
    assert line["request_id"] == "trace-1"
    assert line["method"] == "GET"
    assert line["route"] == "/items/{item_id}"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["client"] == "127.0.0.1"


async def test_unparsable_content_length_is_left_to_the_server() -> None:
    # Servers reject such requests before the app; the middleware must not crash on them either.
    reached = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(scope["path"])

    middleware = BodySizeLimitMiddleware(app, max_body_bytes=10)
    scope = {"type": "http", "path": "/items", "headers": [(b"content-length", b"ten")]}
    await middleware(scope, None, None)  # type: ignore[arg-type]
    assert reached == ["/items"]


class TaggingMiddleware:
    """A stand-in feature middleware that records what it sees and adds a header."""

    def __init__(self, app: Any, tag: str, seen: list[tuple[str, str | None]]) -> None:
        self.app = app
        self.tag = tag
        self.seen = seen

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.seen.append((self.tag, scope.get("state", {}).get("request_id")))
        await self.app(scope, receive, send)


async def test_feature_middleware_runs_inside_the_core_stack(
    make_client: MakeClient, make_settings: MakeSettings
) -> None:
    app = create_app(make_settings())
    seen: list[tuple[str, str | None]] = []
    add_feature_middleware(app, TaggingMiddleware, tag="first", seen=seen)
    add_feature_middleware(app, TaggingMiddleware, tag="second", seen=seen)
    async with make_client(app) as client:
        response = await client.get("/healthz", headers={"X-Request-ID": "feature-1"})
    assert seen == [("first", "feature-1"), ("second", "feature-1")]
    assert response.headers["x-content-type-options"] == "nosniff"
