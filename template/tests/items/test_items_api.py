"""Items API: create, read, update with If-Match, soft delete, conflicts and their problems."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.core.problems import PROBLEM_MEDIA_TYPE


async def create(client: httpx.AsyncClient, **fields: Any) -> httpx.Response:
    body = {"name": "Anvil", "price": "19.99", **fields}
    response = await client.post("/items", json=body)
    assert response.status_code == 201, response.text
    return response


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


async def test_create_returns_the_item_with_location_and_etag(client: httpx.AsyncClient) -> None:
    response = await create(client, description="Heavy", price="12.5")
    item = response.json()
    assert item["name"] == "Anvil"
    assert item["description"] == "Heavy"
    assert item["price"] == "12.50"
    assert item["version"] == 1
    assert item["created_at"].endswith("Z") or item["created_at"].endswith("+00:00")
    assert response.headers["location"] == f"/items/{item['id']}"
    assert response.headers["etag"] == '"1"'


async def test_read_returns_what_was_created(client: httpx.AsyncClient) -> None:
    created = (await create(client)).json()
    response = await client.get(f"/items/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created
    assert response.headers["etag"] == '"1"'


async def test_read_with_current_etag_is_not_modified(client: httpx.AsyncClient) -> None:
    created = await create(client)
    location = created.headers["location"]
    fresh = await client.get(location, headers={"If-None-Match": '"1"'})
    assert fresh.status_code == 304
    assert fresh.headers["etag"] == '"1"'
    stale = await client.get(location, headers={"If-None-Match": 'W/"7", "8"'})
    assert stale.status_code == 200


async def test_missing_item_is_a_404_problem(client: httpx.AsyncClient) -> None:
    body = assert_problem(await client.get("/items/999999"), 404)
    assert "999999" in body["detail"]


@pytest.mark.parametrize("item_id", ["0", "-1", "abc", str(2**63)])
async def test_invalid_item_id_is_a_422_problem(client: httpx.AsyncClient, item_id: str) -> None:
    assert_problem(await client.get(f"/items/{item_id}"), 422)


async def test_duplicate_name_is_a_409_problem(client: httpx.AsyncClient) -> None:
    await create(client, name="Unique")
    body = assert_problem(await client.post("/items", json={"name": "Unique", "price": "1"}), 409)
    assert "Unique" in body["detail"]


async def test_update_with_current_etag_changes_fields_and_version(
    client: httpx.AsyncClient,
) -> None:
    created = await create(client, description="old")
    response = await client.patch(
        created.headers["location"],
        json={"price": "25.00", "description": None},
        headers={"If-Match": created.headers["etag"]},
    )
    assert response.status_code == 200, response.text
    item = response.json()
    assert (item["price"], item["description"], item["name"]) == ("25.00", None, "Anvil")
    assert item["version"] == 2
    assert response.headers["etag"] == '"2"'
    assert item["updated_at"] > created.json()["updated_at"]


async def test_update_with_stale_etag_is_a_412_problem(client: httpx.AsyncClient) -> None:
    created = await create(client)
    location = created.headers["location"]
    first = await client.patch(location, json={"price": "2.00"}, headers={"If-Match": '"1"'})
    assert first.status_code == 200
    second = await client.patch(location, json={"price": "3.00"}, headers={"If-Match": '"1"'})
    assert_problem(second, 412)
    assert (await client.get(location)).json()["price"] == "2.00", "the lost update was refused"


@pytest.mark.parametrize("if_match", ['W/"1"', "1", "garbage"])
async def test_update_with_an_etag_that_cannot_match_is_412(
    client: httpx.AsyncClient, if_match: str
) -> None:
    created = await create(client)
    response = await client.patch(
        created.headers["location"], json={"price": "2.00"}, headers={"If-Match": if_match}
    )
    assert_problem(response, 412)


async def test_update_with_wildcard_if_match_always_applies(client: httpx.AsyncClient) -> None:
    created = await create(client)
    response = await client.patch(
        created.headers["location"], json={"name": "Renamed"}, headers={"If-Match": "*"}
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Renamed"


async def test_update_without_if_match_is_a_428_problem(client: httpx.AsyncClient) -> None:
    created = await create(client)
    assert_problem(await client.patch(created.headers["location"], json={"price": "1"}), 428)


@pytest.mark.parametrize("body", [{}, {"name": None}, {"price": None}, {"name": "x" * 201}])
async def test_update_validates_the_body(client: httpx.AsyncClient, body: dict[str, Any]) -> None:
    created = await create(client)
    response = await client.patch(
        created.headers["location"], json=body, headers={"If-Match": '"1"'}
    )
    assert_problem(response, 422)


async def test_rename_onto_an_existing_name_is_a_409_problem(client: httpx.AsyncClient) -> None:
    await create(client, name="Taken")
    other = await create(client, name="Free")
    response = await client.patch(
        other.headers["location"], json={"name": "Taken"}, headers={"If-Match": '"1"'}
    )
    assert_problem(response, 409)


async def test_update_of_missing_item_is_a_404_problem(client: httpx.AsyncClient) -> None:
    response = await client.patch("/items/424242", json={"price": "1"}, headers={"If-Match": "*"})
    assert_problem(response, 404)


async def test_delete_hides_the_item_but_frees_its_name(client: httpx.AsyncClient) -> None:
    created = await create(client, name="Ephemeral")
    location = created.headers["location"]
    deleted = await client.delete(location)
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert_problem(await client.get(location), 404)
    assert_problem(await client.delete(location), 404)
    listed = (await client.get("/items")).json()["items"]
    assert created.json()["id"] not in [item["id"] for item in listed]
    await create(client, name="Ephemeral")


async def test_delete_with_stale_if_match_is_a_412_problem(client: httpx.AsyncClient) -> None:
    created = await create(client)
    location = created.headers["location"]
    assert_problem(await client.delete(location, headers={"If-Match": '"9"'}), 412)
    assert (await client.delete(location, headers={"If-Match": '"1"'})).status_code == 204


@pytest.mark.parametrize(
    ("fields", "failing"),
    [
        ({"name": ""}, "body.name"),
        ({"name": "x" * 201}, "body.name"),
        ({"name": "nul\x00byte"}, "body.name"),
        ({"description": "d" * 2001}, "body.description"),
        ({"price": "-0.01"}, "body.price"),
        ({"price": "1.001"}, "body.price"),
        ({"price": "NaN"}, "body.price"),
        ({"price": "10000000000.00"}, "body.price"),
    ],
)
async def test_create_validates_each_field(
    client: httpx.AsyncClient, fields: dict[str, Any], failing: str
) -> None:
    body = {"name": "Valid", "price": "1.00", **fields}
    problem = assert_problem(await client.post("/items", json=body), 422)
    assert [error["field"] for error in problem["errors"]] == [failing]


async def test_text_a_database_cannot_store_is_a_422(client: httpx.AsyncClient) -> None:
    # A lone surrogate is valid JSON but not valid Unicode text; PostgreSQL would refuse it.
    body = b'{"name": "bad \\ud800 name", "price": "1.00"}'
    response = await client.post(
        "/items", content=body, headers={"content-type": "application/json"}
    )
    problem = assert_problem(response, 422)
    assert problem["errors"][0]["field"] == "body.name"
