"""A Redis database number of its own for each matrix combination, emptied before and after use.

Spoken to in plain RESP over a socket, so shipyard needs no Redis client library.
"""

from __future__ import annotations

import os
import queue
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

SERVER_URL_VARIABLE = "SHIPYARD_TEST_REDIS_URL"
DEFAULT_SERVER_URL = "redis://127.0.0.1:6379"
# Database 0 is left to people's own use; 1-15 exist on a default server.
DATABASE_NUMBERS = range(1, 16)


class RedisUnavailableError(RuntimeError):
    """The Redis server cannot be used; the message says how to fix that."""


def server_url() -> str:
    return os.environ.get(SERVER_URL_VARIABLE) or DEFAULT_SERVER_URL


def command(*words: str, database: int = 0) -> str:
    """Send one command (after SELECT `database`) and return the last reply line."""
    parts = urlsplit(server_url())
    host, port = parts.hostname or "127.0.0.1", parts.port or 6379
    requests = ([("AUTH", parts.password)] if parts.password else []) + [("SELECT", str(database)), words]
    payload = b"".join(_encode(request) for request in requests)
    try:
        with socket.create_connection((host, port), timeout=5) as connection:
            connection.sendall(payload)
            replies = _read_replies(connection, len(requests))
    except OSError as error:
        raise RedisUnavailableError(
            f"Redis at {server_url()} cannot be reached ({error}); start it (.ci/run shows how) "
            f"or set {SERVER_URL_VARIABLE} to a Redis server URL"
        ) from None
    failed = [reply for reply in replies if reply.startswith("-")]
    if failed:
        raise RedisUnavailableError(f"Redis at {server_url()} refused {words[0]}: {failed[0][1:]}")
    return replies[-1]


class DatabasePool:
    """Hands out database numbers so parallel combinations never share one."""

    def __init__(self) -> None:
        self._free: queue.Queue[int] = queue.Queue()
        for number in DATABASE_NUMBERS:
            self._free.put(number)

    @contextmanager
    def database(self) -> Iterator[str]:
        number = self._free.get()
        try:
            command("FLUSHDB", database=number)
            parts = urlsplit(server_url())
            yield urlunsplit((parts.scheme, parts.netloc, f"/{number}", "", ""))
        finally:
            try:
                command("FLUSHDB", database=number)
            finally:
                self._free.put(number)


def _encode(words: tuple[str, ...]) -> bytes:
    encoded = [f"*{len(words)}\r\n".encode()]
    for word in words:
        data = word.encode()
        encoded.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(encoded)


def _read_replies(connection: socket.socket, count: int) -> list[str]:
    # Replies to AUTH, SELECT, PING and FLUSHDB are single lines (+OK, +PONG, -ERR ...).
    buffer = b""
    while buffer.count(b"\r\n") < count:
        chunk = connection.recv(4096)
        if not chunk:
            break
        buffer += chunk
    return [line.decode(errors="replace") for line in buffer.split(b"\r\n") if line]
