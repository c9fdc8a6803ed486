"""Opaque pagination cursors, signed with APP_SECRET_KEY so clients cannot forge or edit them.

A valid signature proves the cursor came from this service (or from anyone holding the key, which
includes every older release that signed with it), not that its content is what today's code
expects: each decode checks the position against a model with bounds, so a signed cursor holding
an id beyond BIGINT or the wrong type is a 400, never a database error.

Our own codec (the standard library's HMAC) rather than itsdangerous: benchmarks/cursor_signing.py
measured 4.3 us to encode and 3.2 to decode a cursor here against 9.1 and 7.4 with itsdangerous's
URLSafeSerializer, and 65 characters of cursor against 86, without one more dependency.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from app.core.errors import ServiceError

SIGNATURE_BYTES = 16
Position = TypeVar("Position", bound=BaseModel)


class InvalidCursor(ServiceError):
    status_code = 400

    def __init__(self) -> None:
        super().__init__("The cursor is invalid or was modified; restart from the first page.")


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CursorCodec:
    """Encodes a small JSON position as `<payload>.<signature>`, both base64url."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"pagination-cursor:" + secret.encode()).digest()

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[:SIGNATURE_BYTES]

    def encode(self, position: BaseModel) -> str:
        fields = position.model_dump(mode="json")
        payload = json.dumps(fields, separators=(",", ":"), sort_keys=True).encode()
        return f"{_b64encode(payload)}.{_b64encode(self._sign(payload))}"

    def decode(self, cursor: str, model: type[Position]) -> Position:
        """The position in `cursor` as `model`; InvalidCursor (400) if it is malformed, was
        tampered with, or holds anything `model` refuses (wrong type, out of bounds, not JSON)."""
        payload_text, _, signature_text = cursor.partition(".")
        try:
            payload = _b64decode(payload_text)
            signature = _b64decode(signature_text)
        except (binascii.Error, ValueError):
            raise InvalidCursor() from None
        if not hmac.compare_digest(signature, self._sign(payload)):
            raise InvalidCursor()
        try:
            return model.model_validate_json(payload, strict=True)
        except ValidationError:
            raise InvalidCursor() from None
