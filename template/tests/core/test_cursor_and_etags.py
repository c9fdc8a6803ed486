"""Signed cursors and entity-tag comparisons, on their own."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from app.core.cursor import CursorCodec, InvalidCursor
from app.core.etags import MAX_VERSION, etag_for, if_match_versions, if_none_match_hits
from app.core.problems import PROBLEM_MEDIA_TYPE
from app.items.dependencies import MAX_ID, PagePosition
from tests.conftest import TEST_SECRET_KEY

BEYOND_BIGINT = 2**63


def signed(payload: bytes, secret: str = TEST_SECRET_KEY) -> str:
    """A cursor carrying `payload` with a valid signature: only content checks can refuse it."""
    signature = CursorCodec(secret)._sign(payload)
    return ".".join(
        base64.urlsafe_b64encode(part).rstrip(b"=").decode() for part in (payload, signature)
    )


def test_cursor_round_trips_and_is_url_safe() -> None:
    codec = CursorCodec("secret")
    cursor = codec.encode(PagePosition(after=42))
    assert codec.decode(cursor, PagePosition) == PagePosition(after=42)
    assert all(char.isalnum() or char in "-_." for char in cursor)


def test_cursors_signed_by_earlier_releases_still_decode() -> None:
    # The payload format is unchanged: compact, sorted JSON.
    assert CursorCodec("secret").decode(signed(b'{"after":7}', "secret"), PagePosition).after == 7


@pytest.mark.parametrize("cursor", ["", ".", "abc", "a.b", "e30.", "W10.AAAA", "é.é", "a" * 600])
def test_malformed_cursors_are_invalid(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        CursorCodec("secret").decode(cursor, PagePosition)


SIGNED_BUT_NOT_A_POSITION = [
    b"[1]",
    b"null",
    b"not json",
    b"\xff\xfe\x00",
    b'{"after": 1e400}',
    b'{"after": NaN}',
    b'{"after": ' + b"9" * 5000 + b"}",
    b"[" * 100_000 + b"]" * 100_000,
    b'{"after": 1, "before": 2}',
    b'{"after": 1, "after": "x"}',
]


@pytest.mark.parametrize("payload", SIGNED_BUT_NOT_A_POSITION, ids=lambda p: repr(p[:24]))
def test_signed_payloads_that_are_not_a_position_are_invalid(payload: bytes) -> None:
    with pytest.raises(InvalidCursor):
        CursorCodec(TEST_SECRET_KEY).decode(signed(payload), PagePosition)


OUT_OF_RANGE_POSITIONS: list[Any] = [
    BEYOND_BIGINT,
    2**70,
    -(2**63) - 1,
    -1,
    0,
    True,
    1.5,
    "9",
    None,
    [1],
    {"after": 1},
]


@pytest.mark.parametrize("after", OUT_OF_RANGE_POSITIONS, ids=repr)
async def test_a_validly_signed_cursor_out_of_range_is_a_400_problem(
    client: httpx.AsyncClient, after: Any
) -> None:
    # Regression: 2**63 reached PostgreSQL as a BIGINT parameter and came back as a 500.
    cursor = signed(json.dumps({"after": after}).encode())
    response = await client.get("/items", params={"cursor": cursor})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert "cursor" in response.json()["detail"]


async def test_the_largest_id_is_a_valid_position(client: httpx.AsyncClient) -> None:
    cursor = CursorCodec(TEST_SECRET_KEY).encode(PagePosition(after=MAX_ID))
    response = await client.get("/items", params={"cursor": cursor})
    assert response.status_code == 200
    assert response.json() == {"items": [], "next_cursor": None}


def test_etags_and_preconditions() -> None:
    assert etag_for(3) == '"3"'
    assert if_match_versions("*") is None
    assert if_match_versions('"3", W/"4", "x", 5') == {3}
    assert if_none_match_hits('W/"3"', 3)
    assert if_none_match_hits("*", 1)
    assert not if_none_match_hits('"4"', 3)


@pytest.mark.parametrize(
    "tag",
    [f'"{MAX_VERSION + 1}"', '"' + "9" * 5000 + '"', '"01"', '"' + "0" * 30 + '1"', '""', '"-1"'],
)
def test_tags_that_cannot_be_a_version_match_nothing(tag: str) -> None:
    assert if_match_versions(tag) == set()
    assert not if_none_match_hits(tag, 1)
    assert not if_none_match_hits(f"W/{tag}", 1)


def test_the_largest_version_is_still_a_version() -> None:
    assert if_match_versions(f'"{MAX_VERSION}"') == {MAX_VERSION}


@pytest.mark.parametrize("header", ["If-Match", "If-None-Match"])
async def test_a_long_entity_tag_is_never_a_500(client: httpx.AsyncClient, header: str) -> None:
    # Regression: int() refuses strings over 4300 digits, so these were 500s.
    item = (await client.post("/items", json={"name": "Anvil", "price": "1"})).json()
    tag = '"' + "9" * 5000 + '"'
    read = await client.get(f"/items/{item['id']}", headers={header: tag})
    assert read.status_code == 200
    for method in ("PATCH", "DELETE"):
        body = {"name": "Rope"} if method == "PATCH" else None
        response = await client.request(
            method, f"/items/{item['id']}", headers={header: tag}, json=body
        )
        if header == "If-Match":
            assert response.status_code == 412, response.text
            assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
        else:
            assert response.status_code in {204, 428}, response.text
