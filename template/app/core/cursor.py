"""Opaque pagination cursors, signed with APP_SECRET_KEY so clients cannot forge or edit them."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

from app.core.errors import ServiceError

SIGNATURE_BYTES = 16


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

    def encode(self, position: dict[str, Any]) -> str:
        payload = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
        return f"{_b64encode(payload)}.{_b64encode(self._sign(payload))}"

    def decode(self, cursor: str) -> dict[str, Any]:
        """The position in `cursor`; InvalidCursor (400) if it is malformed or was tampered with."""
        payload_text, _, signature_text = cursor.partition(".")
        try:
            payload = _b64decode(payload_text)
            signature = _b64decode(signature_text)
        except (binascii.Error, ValueError):
            raise InvalidCursor() from None
        if not hmac.compare_digest(signature, self._sign(payload)):
            raise InvalidCursor()
        position = json.loads(payload)
        if not isinstance(position, dict):
            raise InvalidCursor()
        return position
