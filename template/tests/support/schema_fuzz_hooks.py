"""Schemathesis hooks: the fuzzer's credentials, and rules that JSON Schema cannot state.

Loaded by `st run` (SCHEMATHESIS_HOOKS) in tests/test_schema_fuzz.py.
Credentials (SCHEMA_FUZZ_AUTHORIZATION, when the service has auth) are set on each request by an
auth provider, not `--header`, which would override any per-request choice: a call that ends every
session of its account (POST /auth/logout-everywhere) signs in as an account of its own first
(tests/support/credentials.py), so it is tested for real and the rest of the run stays signed in.
Before that, one such call in the first seconds left every later request a 401.
The rest make the fuzzer's requests follow what the parameter descriptions say, as a client would:
- Any text of a cursor's documented shape is schema-valid, yet only cursors the service signed
  are accepted. A well-shaped cursor the fuzzer made up is signed with the server's
  APP_SECRET_KEY, as a client following next_cursor holds one; text off that shape is sent as is.
- min_price must not be above max_price (a rule between two parameters): such a pair is swapped.
- An Idempotency-Key (resilience) names one operation: a client never sends one key with two
  different requests, which the service refuses (422). A well-formed key the fuzzer made up is
  replaced by a digest of it and of the request, so equal requests still share a key (replays).
Both refusals (400) are tested directly in tests/items/. The shape is read from the OpenAPI
document, and only the cursor codec is imported: the whole app would cost seconds per run.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import MutableMapping
from decimal import Decimal, InvalidOperation
from typing import Any

import schemathesis
from pydantic import BaseModel, ConfigDict, Field

from app.core.cursor import CursorCodec, InvalidCursor
from tests.support.credentials import server_headers

MAX_ID = 2**63 - 1
_codec = CursorCodec(os.environ["APP_SECRET_KEY"])
AUTHORIZATION = os.environ.get("SCHEMA_FUZZ_AUTHORIZATION")
BASE_URL = os.environ.get("SCHEMA_FUZZ_BASE_URL", "")
ENDS_EVERY_SESSION = "/auth/logout-everywhere"


def _authorize(case: Any, authorization: str) -> None:
    # In place: the headers are a case-insensitive mapping, which a dict copy would not be.
    if case.headers is None:
        case.headers = {}
    case.headers["Authorization"] = authorization


if AUTHORIZATION is not None:

    @schemathesis.auth(refresh_interval=None).apply_to(method="POST", path=ENDS_EVERY_SESSION)
    class DisposableSession:
        """An account made for this one request, whose sessions it may end."""

        def get(self, case: Any, context: Any) -> str:
            return server_headers(BASE_URL)["Authorization"]

        def set(self, case: Any, data: str, context: Any) -> None:
            _authorize(case, data)

    @schemathesis.auth(refresh_interval=None)
    class SignedIn:
        """The session of the whole run."""

        def get(self, case: Any, context: Any) -> str | None:
            return AUTHORIZATION

        def set(self, case: Any, data: str, context: Any) -> None:
            _authorize(case, data)


class _Position(BaseModel):
    """What a page cursor holds, as PagePosition in app/items/dependencies.py (not imported:
    that module brings in the whole service)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    after: int = Field(ge=1, le=MAX_ID)


def _documented_pattern(case: Any, name: str) -> str | None:
    for parameter in case.operation.query:
        if parameter.name == name:
            pattern = parameter.definition.get("schema", {}).get("pattern")
            return pattern if isinstance(pattern, str) else None
    return None


def _signed(cursor: str) -> str:
    try:
        _codec.decode(cursor, _Position)
    except InvalidCursor:
        # The same text always becomes the same cursor, so a failure replays exactly.
        digest = hashlib.sha256(cursor.encode()).digest()
        return _codec.encode(_Position(after=int.from_bytes(digest[:8]) % MAX_ID + 1))
    return cursor


def _price(value: object) -> Decimal | None:
    try:
        price = Decimal(value) if isinstance(value, int | str) else None
    except InvalidOperation:
        return None
    return price if price is not None and price.is_finite() else None


IDEMPOTENCY_KEY = "Idempotency-Key"
_KEY_SHAPE = re.compile(r"^[A-Za-z0-9._:-]{1,255}$")


def _one_key_per_request(case: Any) -> None:
    headers = case.headers  # a case-insensitive mapping, not a dict
    key = headers.get(IDEMPOTENCY_KEY) if isinstance(headers, MutableMapping) else None
    if not isinstance(key, str) or _KEY_SHAPE.fullmatch(key) is None:
        return
    request = repr((key, case.method, case.path, case.path_parameters, case.query, case.body))
    headers[IDEMPOTENCY_KEY] = hashlib.sha256(request.encode()).hexdigest()


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    _one_key_per_request(case)
    query = case.query
    if not isinstance(query, dict):
        return
    cursor, shape = query.get("cursor"), _documented_pattern(case, "cursor")
    if isinstance(cursor, str) and shape is not None and re.search(shape, cursor):
        query["cursor"] = _signed(cursor)
    low, high = _price(query.get("min_price")), _price(query.get("max_price"))
    if low is not None and high is not None and low > high:
        query["min_price"], query["max_price"] = query["max_price"], query["min_price"]
