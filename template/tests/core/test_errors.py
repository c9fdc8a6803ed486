"""Errors: every failure is an RFC 9457 problem+json body; 500s hide internals but are logged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI, HTTPException
from fastapi.responses import StreamingResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.problems import PROBLEM_MEDIA_TYPE
from app.main import create_app
from tests.conftest import MakeClient, MakeSettings

Events = Callable[[], list[dict[str, Any]]]


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    assert body["instance"] == response.request.url.path
    assert body["request_id"] == response.headers["x-request-id"]
    return body


async def test_unknown_route_is_a_404_problem(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/no/such/thing"), 404)


async def test_wrong_method_is_a_405_problem_with_allow(client: httpx.AsyncClient) -> None:
    response = await client.put("/healthz")
    assert_problem(response, 405)
    assert response.headers["allow"] == "GET, HEAD"


async def test_validation_problem_lists_each_failing_field(client: httpx.AsyncClient) -> None:
    response = await client.post("/items", json={"name": "", "price": "-1", "colour": "red"})
    body = assert_problem(response, 422)
    failing = {error["field"]: error for error in body["errors"]}
    assert set(failing) == {"body.name", "body.price", "body.colour"}
    assert failing["body.name"]["type"] == "string_too_short"
    assert all(error["message"] for error in body["errors"])


async def test_malformed_json_is_a_400_problem(client: httpx.AsyncClient) -> None:
    # A syntax error, not a field that failed validation (tests/core/test_http_semantics.py).
    response = await client.post(
        "/items", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert_problem(response, 400)


def _add_failing_route(app: FastAPI) -> None:
    async def explode() -> None:
        raise RuntimeError("database password is hunter2")

    app.add_api_route("/explode", explode)


async def test_unexpected_error_is_a_generic_500_logged_with_stack(
    make_client: MakeClient, make_settings: MakeSettings, log_events: Events
) -> None:
    app = create_app(make_settings())
    _add_failing_route(app)
    async with make_client(app) as client:
        response = await client.get("/explode", headers={"X-Request-ID": "trace-500"})
    body = assert_problem(response, 500)
    assert "hunter2" not in response.text
    assert "RuntimeError" not in response.text
    assert body["request_id"] == "trace-500"
    logged = [event for event in log_events() if event["event"] == "unhandled exception"]
    assert len(logged) == 1
    assert logged[0]["request_id"] == "trace-500"
    assert logged[0]["exc_info"] is True, "logged with its stack"


class ExplodingMiddleware:
    """Stands in for a feature's middleware that fails outside the core stack."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/healthz":
            raise RuntimeError("secret internals")
        await self.app(scope, receive, send)


async def test_error_in_an_outer_middleware_is_still_a_problem(
    make_client: MakeClient, make_settings: MakeSettings, log_events: Events
) -> None:
    app = create_app(make_settings())
    app.add_middleware(ExplodingMiddleware)
    async with make_client(app, raise_app_exceptions=False) as client:
        response = await client.get("/healthz")
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert "secret internals" not in response.text
    assert any(event["event"] == "unhandled exception" for event in log_events())


async def test_unregistered_status_codes_still_get_a_problem(
    make_client: MakeClient, make_settings: MakeSettings
) -> None:
    app = create_app(make_settings())

    async def closed() -> None:
        raise HTTPException(status_code=499, detail="Client closed the request")

    app.add_api_route("/closed", closed)
    async with make_client(app) as client:
        body = assert_problem(await client.get("/closed"), 499)
    assert (body["title"], body["detail"]) == ("Error", "Client closed the request")


async def test_failure_after_the_response_started_is_logged_and_the_stream_cut(
    make_client: MakeClient, make_settings: MakeSettings, log_events: Events
) -> None:
    app = create_app(make_settings())

    async def chunks() -> Any:
        yield b"partial "
        raise RuntimeError("lost the upstream")

    async def export() -> StreamingResponse:
        return StreamingResponse(chunks(), media_type="text/plain")

    app.add_api_route("/export", export)
    async with make_client(app, raise_app_exceptions=False) as client:
        response = await client.get("/export")
    assert response.status_code == 200  # the status was already sent; the body is cut short
    assert any(event["event"] == "unhandled exception" for event in log_events())
