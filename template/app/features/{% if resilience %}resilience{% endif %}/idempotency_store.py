"""What an idempotency store keeps per key, and the interface its Redis and database forms share."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Protocol


class IdempotencyStoreUnavailable(Exception):
    """The store could not be read or written; the request is answered 503, not run unguarded."""


@dataclass(frozen=True)
class StoredResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def to_json(self) -> str:
        return json.dumps(
            {
                "status": self.status,
                "headers": self.headers,
                "body": base64.b64encode(self.body).decode("ascii"),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> StoredResponse:
        data = json.loads(text)
        return cls(
            status=int(data["status"]),
            headers=[(str(name), str(value)) for name, value in data["headers"]],
            body=base64.b64decode(data["body"]),
        )


@dataclass(frozen=True)
class KeyRecord:
    """A key already taken: by a request with this fingerprint, finished (response) or not."""

    fingerprint: str
    response: StoredResponse | None


class IdempotencyStore(Protocol):
    async def claim(self, key: str, fingerprint: str, hold_seconds: int) -> KeyRecord | None:
        """Take `key` for a new request (None), or return the record of whoever holds it."""

    async def complete(self, key: str, response: StoredResponse, ttl_seconds: int) -> None:
        """Keep the response of the request that claimed `key`, for `ttl_seconds`."""

    async def release(self, key: str) -> None:
        """Forget an unfinished claim, so a retry runs the request again."""

    async def aclose(self) -> None: ...
