"""Signed cursors and entity-tag comparisons, on their own."""

from __future__ import annotations

import base64

import httpx
import pytest

from app.core.cursor import CursorCodec, InvalidCursor
from app.core.etags import etag_for, if_match_versions, if_none_match_hits
from tests.conftest import TEST_SECRET_KEY


def test_cursor_round_trips_and_is_url_safe() -> None:
    codec = CursorCodec("secret")
    cursor = codec.encode({"after": 42})
    assert codec.decode(cursor) == {"after": 42}
    assert all(char.isalnum() or char in "-_." for char in cursor)


@pytest.mark.parametrize("cursor", ["", ".", "abc", "a.b", "e30.", "W10.AAAA"])
def test_malformed_cursors_are_invalid(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        CursorCodec("secret").decode(cursor)


def test_a_signed_non_object_payload_is_invalid() -> None:
    # Signed with the real key, so only the payload shape check can refuse it.
    codec = CursorCodec("secret")
    payload = b"[1]"
    signature = codec._sign(payload)
    cursor = ".".join(
        base64.urlsafe_b64encode(part).rstrip(b"=").decode() for part in (payload, signature)
    )
    with pytest.raises(InvalidCursor):
        codec.decode(cursor)


async def test_a_signed_cursor_without_a_position_is_a_400(client: httpx.AsyncClient) -> None:
    cursor = CursorCodec(TEST_SECRET_KEY).encode({"after": "nine"})
    response = await client.get("/items", params={"cursor": cursor})
    assert response.status_code == 400


def test_etags_and_preconditions() -> None:
    assert etag_for(3) == '"3"'
    assert if_match_versions("*") is None
    assert if_match_versions('"3", W/"4", "x", 5') == {3}
    assert if_none_match_hits('W/"3"', 3)
    assert if_none_match_hits("*", 1)
    assert not if_none_match_hits('"4"', 3)
