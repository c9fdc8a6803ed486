"""HTTP semantics every route gets from the core: 405 with the full Allow, HEAD, 415, 400, 204."""

from __future__ import annotations

import httpx
import pytest

from app.core.problems import PROBLEM_MEDIA_TYPE
from tests.conftest import MakeClient

ITEM = {"name": "Anvil", "price": "19.99"}
# What HEAD must repeat from GET (RFC 9110 9.3.2); others (Date, rate-limit counts) may change.
REPRESENTATION_HEADERS = ("content-type", "content-length", "content-encoding", "etag")


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body: dict[str, object] = response.json()
    assert body["status"] == status
    return body


async def _item(client: httpx.AsyncClient) -> str:
    created = await client.post("/items", json=ITEM)
    assert created.status_code == 201, created.text
    return created.headers["location"]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("OPTIONS", "/items", "GET, HEAD, POST"),
        ("PUT", "/items", "GET, HEAD, POST"),
        ("POST", "/items/1", "GET, HEAD, PATCH, DELETE"),
        ("OPTIONS", "/items/1", "GET, HEAD, PATCH, DELETE"),
        ("DELETE", "/healthz", "GET, HEAD"),
    ],
)
async def test_405_allow_lists_every_method_of_the_path(
    client: httpx.AsyncClient, method: str, path: str, allow: str
) -> None:
    # GET and POST /items are two routes; Starlette's Allow named only the first one matched.
    response = await client.request(method, path)
    body = assert_problem(response, 405)
    assert response.headers["allow"] == allow
    assert allow in str(body["detail"])


async def test_head_answers_as_get_does_without_the_body(client: httpx.AsyncClient) -> None:
    location = await _item(client)
    for path in ("/healthz", "/items", location, "/items/424242", "/openapi.json"):
        got = await client.get(path)
        head = await client.head(path)
        assert head.status_code == got.status_code, path
        assert head.content == b"", path
        assert set(head.headers) == set(got.headers), path
        for name in REPRESENTATION_HEADERS:
            assert head.headers.get(name) == got.headers.get(name), f"{path}: {name}"


async def test_head_of_a_gzipped_get_has_the_gzipped_headers(make_client: MakeClient) -> None:
    async with make_client(GZIP_MINIMUM_SIZE_BYTES="10") as client:
        headers = {"Accept-Encoding": "gzip"}
        got, head = (
            await client.get("/items", headers=headers),
            await client.head("/items", headers=headers),
        )
    assert got.headers["content-encoding"] == head.headers["content-encoding"] == "gzip"
    assert head.headers["content-length"] == got.headers["content-length"]


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
async def test_a_body_that_is_not_json_is_415(
    client: httpx.AsyncClient, content_type: str | None
) -> None:
    headers = {} if content_type is None else {"content-type": content_type}
    location = await _item(client)
    for method, path in (("POST", "/items"), ("PATCH", location)):
        response = await client.request(
            method,
            path,
            content=b'{"name": "Anvil", "price": "1"}',
            headers={**headers, "If-Match": "*"},
        )
        body = assert_problem(response, 415)
        assert response.headers["accept"] == "application/json"
        assert "application/json" in str(body["detail"])
        assert str(content_type or "none") in str(body["detail"])


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "application/x+json"])
async def test_json_and_structured_json_media_types_are_read(
    client: httpx.AsyncClient, content_type: str
) -> None:
    response = await client.post(
        "/items", content=b'{"name": "Anvil", "price": "1"}', headers={"content-type": content_type}
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("document", "where"),
    [
        (b'{"name": "Anvil",\n "price": }', "line 2, column 11 (character 28)"),
        (b"{not json", "line 1, column 2 (character 1)"),
        (b'{"name": "Anvil", "price": "1"} trailing', "line 1, column 33"),
    ],
)
async def test_malformed_json_is_a_400_saying_where(
    client: httpx.AsyncClient, document: bytes, where: str
) -> None:
    response = await client.post(
        "/items", content=document, headers={"content-type": "application/json"}
    )
    body = assert_problem(response, 400)
    assert where in str(body["detail"]), body["detail"]
    assert "not valid JSON" in str(body["detail"])


async def test_204_and_304_carry_no_content_headers(client: httpx.AsyncClient) -> None:
    location = await _item(client)
    etag = (await client.get(location)).headers["etag"]
    not_modified = await client.get(location, headers={"If-None-Match": etag})
    deleted = await client.delete(location)
    for response, status in ((not_modified, 304), (deleted, 204)):
        assert response.status_code == status
        assert response.content == b""
        assert "content-type" not in response.headers, status
        assert "content-length" not in response.headers, status
