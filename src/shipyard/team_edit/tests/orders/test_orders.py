"""The team's orders domain: placed, read back, refused when wrong."""

from __future__ import annotations

import httpx

ORDER = {"item_id": 1, "quantity": 3, "customer_email": "buyer@example.com"}


async def test_a_placed_order_is_read_back(client: httpx.AsyncClient) -> None:
    response = await client.post("/orders", json=ORDER)
    assert response.status_code == 201, response.text
    order = response.json()
    assert {key: order[key] for key in ORDER} == ORDER
    read = await client.get(response.headers["Location"])
    assert read.status_code == 200
    assert read.json() == order


async def test_an_unknown_order_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/orders/999999999")
    assert response.status_code == 404
    assert "Order 999999999 does not exist." in response.text


async def test_too_large_an_order_or_a_bad_email_is_refused(client: httpx.AsyncClient) -> None:
    too_many = await client.post("/orders", json={**ORDER, "quantity": 501})
    assert too_many.status_code == 422
    bad_email = await client.post("/orders", json={**ORDER, "customer_email": "nobody"})
    assert bad_email.status_code == 422


async def test_an_email_with_a_nul_character_is_refused_not_a_server_error(
    client: httpx.AsyncClient,
) -> None:
    # PostgreSQL cannot store NUL in text; the schema's pattern says so and validation refuses it.
    with_nul = {**ORDER, "customer_email": "buyer\x00@example.com"}
    response = await client.post("/orders", json=with_nul)
    assert response.status_code == 422, response.text
