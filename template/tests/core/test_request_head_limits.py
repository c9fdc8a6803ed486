"""The real server bounds each request head: too large or too many headers get 431, unread."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest

from app.core.http_protocol import BoundedHttpToolsProtocol
from app.core.server import server_options
from tests.conftest import MakeSettings
from tests.support.live_server import LiveServer, live_servers

MAX_HEADER_BYTES = 8192
MAX_HEADER_COUNT = 30
HUGE_HEADER_BYTES = 64 * 1024 * 1024
# What the server may keep while refusing a 64 MB header: its limit plus a read buffer or two.
# Before the limit it read all of it, growing by more than 120 MB.
MAX_GROWTH_KIB = 16 * 1024
ANSWER_SECONDS = 5


@pytest.fixture(scope="module")
def server(database_url: str) -> Iterator[LiveServer]:
    limits = {
        "MAX_REQUEST_HEADER_BYTES": str(MAX_HEADER_BYTES),
        "MAX_REQUEST_HEADER_COUNT": str(MAX_HEADER_COUNT),
    }
    with live_servers(database_url, limits) as (server,):
        yield server


def connect(server: LiveServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=ANSWER_SECONDS)


def request(*headers: str) -> bytes:
    lines = ["GET /healthz HTTP/1.1", "Host: test", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def read_answer(connection: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One response: status, headers (lower-cased names) and body (by Content-Length)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            raise AssertionError(f"connection closed before a response; got {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    while len(body) < int(headers.get("content-length", "0")):
        body += connection.recv(65536)
    return int(status_line.split()[1]), headers, body


def ask(server: LiveServer, data: bytes) -> tuple[int, dict[str, str], bytes]:
    with connect(server) as connection:
        connection.sendall(data)
        return read_answer(connection)


def assert_refused_431(answer: tuple[int, dict[str, str], bytes], detail: str) -> None:
    status, headers, body = answer
    assert status == 431, body
    assert headers["content-type"] == "application/problem+json"
    assert headers["connection"] == "close"
    problem = json.loads(body)
    assert problem["status"] == 431
    assert detail in problem["detail"]


def test_server_options_bound_the_request_head(make_settings: MakeSettings) -> None:
    settings = make_settings(MAX_REQUEST_HEADER_BYTES="4096", MAX_REQUEST_HEADER_COUNT="12")
    protocol = server_options(settings)["http"]
    assert protocol.func is BoundedHttpToolsProtocol
    assert protocol.keywords == {"max_header_bytes": 4096, "max_header_count": 12}


@pytest.mark.fault
def test_headers_within_both_limits_are_served(server: LiveServer) -> None:
    headers = [f"X-Filler-{n}: {'v' * 100}" for n in range(MAX_HEADER_COUNT - 2)]
    status, _, _ = ask(server, request(*headers))
    assert status == 200


@pytest.mark.fault
def test_one_header_over_the_byte_limit_is_431(server: LiveServer) -> None:
    answer = ask(server, request(f"X-Big: {'a' * MAX_HEADER_BYTES}"))
    assert_refused_431(answer, f"{MAX_HEADER_BYTES} bytes")


@pytest.mark.fault
def test_a_long_request_target_counts_towards_the_limit(server: LiveServer) -> None:
    data = f"GET /items?cursor={'c' * MAX_HEADER_BYTES} HTTP/1.1\r\nHost: t\r\n\r\n".encode()
    assert_refused_431(ask(server, data), f"{MAX_HEADER_BYTES} bytes")


@pytest.mark.fault
def test_too_many_headers_is_431(server: LiveServer) -> None:
    headers = [f"X-H{n}: v" for n in range(MAX_HEADER_COUNT + 1)]
    assert_refused_431(ask(server, request(*headers)), f"at most {MAX_HEADER_COUNT} header")


@pytest.mark.fault
def test_a_malformed_request_is_still_uvicorns_400(server: LiveServer) -> None:
    status, _, _ = ask(server, b"NOT HTTP AT ALL\r\n\r\n")
    assert status == 400


@pytest.mark.fault
def test_each_request_on_a_connection_gets_its_own_budget(server: LiveServer) -> None:
    # Two heads of 60% of the limit each, kept alive on one connection: neither is refused.
    header = f"X-Fill: {'f' * (MAX_HEADER_BYTES * 6 // 10)}"
    with connect(server) as connection:
        for _ in range(2):
            connection.sendall(request(header))
            assert read_answer(connection)[0] == 200
        connection.sendall(request(f"X-Big: {'a' * MAX_HEADER_BYTES}"))
        assert_refused_431(read_answer(connection), "bytes")


@pytest.mark.fault
def test_a_streamed_64_mb_header_is_refused_without_being_read(server: LiveServer) -> None:
    memory_before = server.peak_memory_kib()
    chunk = b"a" * 65536
    sent = 0
    started = time.monotonic()
    with connect(server) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\nX-Big: ")
        connection.setblocking(False)
        answer = b""
        while not answer and sent < HUGE_HEADER_BYTES:
            if time.monotonic() - started > ANSWER_SECONDS:
                raise AssertionError(f"no answer within {ANSWER_SECONDS} s; sent {sent} bytes")
            try:
                answer = connection.recv(65536)
                break
            except BlockingIOError:
                pass
            try:
                sent += connection.send(chunk)
            except BlockingIOError:
                time.sleep(0.001)
            except OSError:  # the server closed: its answer is waiting to be read
                break
        connection.settimeout(ANSWER_SECONDS)
        connection.setblocking(True)
        rest = b""
        try:
            while chunk_read := connection.recv(65536):
                rest += chunk_read
        except OSError:
            pass
    assert (answer + rest).startswith(b"HTTP/1.1 431 "), (answer + rest)[:200]
    # Answered while the client was still sending: the server stopped reading long before 64 MB.
    assert sent < HUGE_HEADER_BYTES // 4, f"the client could send {sent} bytes"
    memory_after = server.peak_memory_kib()
    if memory_before is not None and memory_after is not None:
        assert memory_after - memory_before < MAX_GROWTH_KIB, (memory_before, memory_after)
    assert "request refused" in server.output()
