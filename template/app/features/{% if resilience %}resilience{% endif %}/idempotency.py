"""Idempotency-Key on POST: a retry replays the first response instead of running it twice.

A middleware rather than a route dependency: it covers every POST route, the team's own included,
without each route opting in; and only at the ASGI level are the status, headers and body of the
finished response there to store and to replay byte for byte.
"""

from __future__ import annotations

import hashlib

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.logging import get_logger
from app.core.problems import FieldError, note_log_reason, problem_response
from app.features.resilience.idempotency_contract import HEADER, REPLAYED_HEADER, key_problem
from app.features.resilience.idempotency_settings import IdempotencySettings
from app.features.resilience.idempotency_store import (
    IdempotencyStore,
    IdempotencyStoreUnavailable,
    StoredResponse,
)

logger = get_logger("app.resilience")
_HEADER_NAME = HEADER.lower().encode("latin-1")
# Headers a replay repeats; the rest (request id, date, security headers) belong to each answer.
# A stored 401 or 405 must keep the header its status requires (RFC 9110: WWW-Authenticate, Allow).
REPLAYED_HEADERS = frozenset(
    {
        "content-type",
        "content-language",
        "location",
        "content-location",
        "etag",
        "last-modified",
        "www-authenticate",
        "allow",
    }
)
# Answers that say "not now" rather than anything about the request: a retry must run again.
RETRYABLE_STATUSES = frozenset({408, 425, 429})
FIELD = f"header.{HEADER}"


def storable(status: int) -> bool:
    return status < 500 and status not in RETRYABLE_STATUSES


def _fingerprint(scope: Scope, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (scope["method"], scope["path"], scope.get("query_string", b"").decode("latin-1")):
        digest.update(part.encode() + b"\n")
    digest.update(body)
    return digest.hexdigest()


def _store_key(scope: Scope, key: str) -> str:
    # Keys are per caller: the same key from another credential is another operation, and its
    # response is never replayed to someone else.
    headers = dict(scope["headers"])
    caller = headers.get(b"authorization", b"") + b"\n" + headers.get(b"x-api-key", b"")
    return hashlib.sha256(caller + b"\n" + key.encode()).hexdigest()


class IdempotencyMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        store: IdempotencyStore,
        settings: IdempotencySettings,
        max_body_bytes: int,
    ) -> None:
        self.app = app
        self.store = store
        self.settings = settings
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw_key = self._key_of(scope)
        if raw_key is None:
            await self.app(scope, receive, send)
            return
        key = raw_key.decode("latin-1")
        problem = key_problem(key)
        if problem is not None:
            await self._refuse(scope, receive, send, 400, problem, "invalid_idempotency_key")
            return
        messages, body = await _read_body(receive, self.max_body_bytes)
        replay_receive = _replaying(messages, receive)
        if body is None:
            # Too large to fingerprint: the body limit inside answers 413.
            await self.app(scope, replay_receive, send)
            return
        store_key = _store_key(scope, key)
        fingerprint = _fingerprint(scope, body)
        try:
            held = await self.store.claim(store_key, fingerprint, self.settings.in_progress_seconds)
        except IdempotencyStoreUnavailable as error:
            await self._unavailable(scope, receive, send, error)
            return
        if held is None:
            await self._run(scope, replay_receive, send, store_key)
        elif held.fingerprint != fingerprint:
            detail = f"This {HEADER} was used with a different request; use a new key for it."
            await self._refuse(scope, receive, send, 422, detail, "idempotency_key_reused")
        elif held.response is None:
            detail = f"A request with this {HEADER} is still in progress; retry in a moment."
            await self._refuse(scope, receive, send, 409, detail, "idempotency_key_in_progress")
        else:
            await _replay(held.response, scope, receive, send)

    def _key_of(self, scope: Scope) -> bytes | None:
        if scope["type"] != "http" or scope["method"] != "POST":
            return None
        if not self.settings.applies_to(scope["path"]):
            return None
        for name, value in scope["headers"]:
            if name == _HEADER_NAME:
                return bytes(value)
        return None

    async def _run(self, scope: Scope, receive: Receive, send: Send, store_key: str) -> None:
        status = 0
        headers: list[tuple[str, str]] = []
        chunks: list[bytes] = []
        size = 0
        done = False

        async def capture(message: Message) -> None:
            nonlocal status, size, done
            if message["type"] == "http.response.start":
                status = message["status"]
                headers.extend(
                    (name.decode("latin-1"), value.decode("latin-1"))
                    for name, value in message.get("headers", [])
                    if name.decode("latin-1").lower() in REPLAYED_HEADERS
                )
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                if not message.get("more_body", False):
                    done = True
                    # Stored before the client sees the end, so its retry finds the response.
                    await self._finish(store_key, status, headers, b"".join(chunks), size)
            await send(message)

        # Uncompressed inside, so a replay suits a client whatever Accept-Encoding it sends.
        inner_scope = {
            **scope,
            "headers": [(n, v) for n, v in scope["headers"] if n != b"accept-encoding"],
        }
        try:
            await self.app(inner_scope, receive, capture)
        finally:
            if not done:
                await self._release(store_key)

    async def _finish(
        self, store_key: str, status: int, headers: list[tuple[str, str]], body: bytes, size: int
    ) -> None:
        if not storable(status) or size > self.settings.max_stored_body_bytes:
            await self._release(store_key)
            return
        try:
            await self.store.complete(
                store_key, StoredResponse(status, headers, body), self.settings.ttl_seconds
            )
        except IdempotencyStoreUnavailable as error:
            # The response still goes out; a retry finds the key held until it expires (409).
            logger.warning("idempotent response not stored", error=str(error))

    async def _release(self, store_key: str) -> None:
        try:
            await self.store.release(store_key)
        except IdempotencyStoreUnavailable as error:
            logger.warning("idempotency key not released", error=str(error))

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, status: int, detail: str, reason: str
    ) -> None:
        note_log_reason(scope, reason)
        errors = [FieldError(field=FIELD, message=detail, type=reason)]
        response = problem_response(scope, status, detail, errors=errors)
        await response(scope, receive, send)

    async def _unavailable(
        self, scope: Scope, receive: Receive, send: Send, error: Exception
    ) -> None:
        note_log_reason(scope, f"idempotency store unavailable: {error}")
        response = problem_response(
            scope,
            503,
            f"Requests with {HEADER} cannot be checked right now; retry later with the same key.",
            headers={"Retry-After": "1"},
        )
        await response(scope, receive, send)


async def _read_body(receive: Receive, limit: int) -> tuple[list[Message], bytes | None]:
    """The request's messages as received, and its body (None once it exceeds `limit`)."""
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, None
        size += len(message.get("body", b""))
        if size > limit:
            return messages, None
        if not message.get("more_body", False):
            return messages, b"".join(part.get("body", b"") for part in messages)


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


async def _replay(stored: StoredResponse, scope: Scope, receive: Receive, send: Send) -> None:
    response = Response(content=stored.body, status_code=stored.status)
    for name, value in stored.headers:
        response.headers.append(name, value)
    response.headers[REPLAYED_HEADER] = "true"
    await response(scope, receive, send)
