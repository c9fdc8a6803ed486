"""Listing items: cursor pages without duplicates or gaps, filters, and tamper-proof cursors."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from app.core.problems import PROBLEM_MEDIA_TYPE
from tests.conftest import MakeClient


async def seed(client: httpx.AsyncClient, count: int) -> list[dict[str, Any]]:
    items = []
    for index in range(count):
        response = await client.post(
            "/items", json={"name": f"Widget {index:02d}", "price": f"{index}.50"}
        )
        assert response.status_code == 201
        items.append(response.json())
    return items


async def all_pages(client: httpx.AsyncClient, **params: Any) -> list[list[dict[str, Any]]]:
    pages = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await client.get("/items", params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


async def test_pages_cover_every_item_once_in_order(client: httpx.AsyncClient) -> None:
    items = await seed(client, 23)
    pages = await all_pages(client, limit=5)
    assert [len(page) for page in pages] == [5, 5, 5, 5, 3]
    assert [item["id"] for page in pages for item in page] == [item["id"] for item in items]


async def test_last_full_page_has_no_next_cursor(client: httpx.AsyncClient) -> None:
    await seed(client, 4)
    pages = await all_pages(client, limit=2)
    assert [len(page) for page in pages] == [2, 2]


async def test_default_page_size_is_20(client: httpx.AsyncClient) -> None:
    await seed(client, 21)
    body = (await client.get("/items")).json()
    assert len(body["items"]) == 20
    assert body["next_cursor"]


async def test_items_deleted_between_pages_do_not_shift_the_rest(
    client: httpx.AsyncClient,
) -> None:
    items = await seed(client, 6)
    first = (await client.get("/items", params={"limit": 3})).json()
    await client.delete(f"/items/{items[1]['id']}")
    await client.delete(f"/items/{items[3]['id']}")
    second = (
        await client.get("/items", params={"limit": 3, "cursor": first["next_cursor"]})
    ).json()
    assert [item["id"] for item in second["items"]] == [items[4]["id"], items[5]["id"]]


async def test_filters_combine(client: httpx.AsyncClient) -> None:
    await seed(client, 12)
    await client.post("/items", json={"name": "Gadget 100%_off", "price": "3.00"})

    by_name = await all_pages(client, name_contains="widget 1", limit=2)
    assert sorted(item["name"] for page in by_name for item in page) == [
        "Widget 10",
        "Widget 11",
    ]
    by_price = await all_pages(client, min_price="3.50", max_price="5.50")
    assert [item["price"] for page in by_price for item in page] == ["3.50", "4.50", "5.50"]
    literal = await all_pages(client, name_contains="%_")
    assert [item["name"] for page in literal for item in page] == ["Gadget 100%_off"]


async def test_inverted_price_range_is_a_400_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/items", params={"min_price": "5", "max_price": "1"})
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE


@pytest.mark.parametrize("limit", ["0", "101", "ten"])
async def test_limit_is_validated(client: httpx.AsyncClient, limit: str) -> None:
    response = await client.get("/items", params={"limit": limit})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.limit"


def _forge(cursor: str, position: dict[str, Any]) -> str:
    _, _, signature = cursor.partition(".")
    payload = base64.urlsafe_b64encode(json.dumps(position).encode()).rstrip(b"=").decode()
    return f"{payload}.{signature}"


async def test_tampered_or_garbage_cursor_is_a_400_problem(client: httpx.AsyncClient) -> None:
    await seed(client, 3)
    cursor = (await client.get("/items", params={"limit": 1})).json()["next_cursor"]
    for bad in [_forge(cursor, {"after": 0}), cursor[:-2] + "AA", "garbage", "a.b.c", "!!!.%%%"]:
        response = await client.get("/items", params={"cursor": bad})
        assert response.status_code == 400, bad
        assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
        assert "cursor" in response.json()["detail"]


async def test_cursor_from_another_secret_is_refused(
    make_client: MakeClient, client: httpx.AsyncClient
) -> None:
    await seed(client, 2)
    cursor = (await client.get("/items", params={"limit": 1})).json()["next_cursor"]
    async with make_client(APP_SECRET_KEY="another-secret-key-which-is-long-enough") as other:
        assert (await other.get("/items", params={"cursor": cursor})).status_code == 400
