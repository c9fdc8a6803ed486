"""Schemathesis hooks: the two rules of GET /items that JSON Schema cannot state.

Loaded by `st run` (SCHEMATHESIS_HOOKS) in tests/test_schema_fuzz.py, they make the fuzzer's
requests follow what the parameter descriptions say, as a client would:
- Any text of a cursor's shape is schema-valid, yet only cursors the service signed are
  accepted. A well-shaped cursor the fuzzer made up is signed with the server's APP_SECRET_KEY,
  as a client following next_cursor holds one; text off that shape is sent as it is.
- min_price must not be above max_price (a rule between two parameters): such a pair is swapped.
Both refusals (400) are tested directly in tests/items/.
"""

from __future__ import annotations

import hashlib
import os
import re
from decimal import Decimal
from typing import Any

import schemathesis

from app.core.cursor import CursorCodec, InvalidCursor
from app.items.router import CURSOR_PATTERN, MAX_ID
from app.items.schemas import PRICE_PATTERN

_codec = CursorCodec(os.environ["APP_SECRET_KEY"])
_shape = re.compile(CURSOR_PATTERN)
_price_shape = re.compile(PRICE_PATTERN)


def _signed(cursor: str) -> str:
    try:
        _codec.decode(cursor)
    except InvalidCursor:
        # The same text always becomes the same cursor, so a failure replays exactly.
        digest = hashlib.sha256(cursor.encode()).digest()
        return _codec.encode({"after": int.from_bytes(digest[:8]) % MAX_ID + 1})
    return cursor


def _price(value: object) -> Decimal | None:
    if isinstance(value, int) or (isinstance(value, str) and _price_shape.fullmatch(value)):
        return Decimal(value)
    return None


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    query = case.query
    if not isinstance(query, dict):
        return
    cursor = query.get("cursor")
    if isinstance(cursor, str) and _shape.fullmatch(cursor):
        query["cursor"] = _signed(cursor)
    low, high = _price(query.get("min_price")), _price(query.get("max_price"))
    if low is not None and high is not None and low > high:
        query["min_price"], query["max_price"] = query["max_price"], query["min_price"]
