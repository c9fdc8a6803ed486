"""Shared by the benchmarks here: CPU time per call, an in-process ASGI driver, a JSON report.

Each benchmark compares one hand-written piece of the service with the maintained library that
does the same job, in one process, on this machine. Run one from the project root with
`uv run python benchmarks/NAME.py`; the library side needs `uv run --with LIBRARY ...` (the
script says which) and is reported as missing without it. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

Asgi = Callable[..., Awaitable[None]]
ROUNDS = 5  # each figure is the best of this many rounds: the least disturbed by other work


def best_us(run_round: Callable[[], float]) -> float:
    """The lowest of ROUNDS measurements, in microseconds per call, rounded to 0.1."""
    return round(min(run_round() for _ in range(ROUNDS)), 1)


def cpu_us(call: Callable[[], object], calls: int) -> float:
    """CPU microseconds per call of `call`."""

    def one_round() -> float:
        started = time.process_time()
        for _ in range(calls):
            call()
        return (time.process_time() - started) / calls * 1e6

    return best_us(one_round)


def async_cpu_us(call: Callable[[], Awaitable[object]], calls: int) -> float:
    """CPU microseconds per awaited call of `call`, one at a time on one event loop."""

    async def one_round() -> float:
        started = time.process_time()
        for _ in range(calls):
            await call()
        return (time.process_time() - started) / calls * 1e6

    async def rounds() -> float:
        await one_round()  # warm-up
        return min([await one_round() for _ in range(ROUNDS)])

    return round(asyncio.run(rounds()), 1)


async def ok_endpoint(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The innermost app: a 200 with a tiny body, so the layer around it is what is measured."""
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]}
    )
    await send({"type": "http.response.body", "body": b"ok"})


def http_scope(
    headers: list[tuple[bytes, bytes]] | None = None, path: str = "/items"
) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), *(headers or [])],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }


def asgi_request(
    app: Asgi, headers: list[tuple[bytes, bytes]] | None = None
) -> Callable[[], Awaitable[None]]:
    """One GET through `app`, as an awaitable call for async_cpu_us (a fresh scope each time)."""

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(_message: dict[str, Any]) -> None:
        return None

    async def call() -> None:
        await app(http_scope(headers), receive, send)

    return call


def optional(module: str, install_hint: str) -> Any:
    """The library module, or None when it is not installed (the report then says how to add it)."""
    try:
        return __import__(module, fromlist=["_"])
    except ImportError:
        MISSING.append(install_hint)
        return None


MISSING: list[str] = []


def report(benchmark: str, results: dict[str, Any]) -> None:
    """Print the results as one JSON document (what the module docstrings quote)."""
    document = {"benchmark": benchmark, **results}
    if MISSING:
        document["library_not_installed"] = (
            f"rerun with: uv run {' '.join(MISSING)} python {sys.argv[0]}"
        )
    sys.stdout.write(json.dumps(document, indent=2) + "\n")
