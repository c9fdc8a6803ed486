"""Benchmark: our bounded httptools protocol (app.core.http_protocol) against uvicorn's own.

Each protocol is fed whole GET requests on one keep-alive connection, in-process (a transport
that discards what it is given, an ASGI app that answers 200 at once), with 2 and with 12
request headers, and its CPU time per request reported. The difference is what the head limits
cost a request.
Run: uv run python benchmarks/request_head.py
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import Any

from timing import async_cpu_us, ok_endpoint, report
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from app.core.http_protocol import BoundedHttpToolsProtocol

CALLS = 20_000
HEADER_COUNTS = (2, 12)


class DiscardingTransport:
    """What the protocol needs of a transport; everything written is dropped."""

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        addresses = {"peername": ("127.0.0.1", 40000), "sockname": ("127.0.0.1", 8000)}
        return addresses.get(name, default)

    def write(self, data: bytes) -> None:
        return None

    def is_closing(self) -> bool:
        return False

    def pause_reading(self) -> None:
        return None

    def resume_reading(self) -> None:
        return None

    def close(self) -> None:
        return None


def raw_request(header_count: int) -> bytes:
    extra = b"".join(b"X-Header-%d: value-%d\r\n" % (i, i) for i in range(header_count - 1))
    return b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + b"\r\n"


def requests_through(
    factory: Callable[..., HttpToolsProtocol], header_count: int
) -> Callable[[], Awaitable[None]]:
    """One request through a connection of `factory`'s protocol, opened on first use."""
    request = raw_request(header_count)
    opened: list[HttpToolsProtocol] = []

    async def call() -> None:
        if not opened:
            config = Config(app=ok_endpoint, lifespan="off", log_config=None, access_log=False)
            config.load()
            protocol = factory(config, ServerState(), {})
            protocol.connection_made(DiscardingTransport())  # type: ignore[arg-type]
            opened.append(protocol)
        protocol = opened[0]
        protocol.data_received(request)
        # The protocol answers from a task of its own: let it run until the answer is sent
        # (polling costs both protocols alike; an Event would need a hook inside uvicorn).
        while protocol.cycle is not None and not protocol.cycle.response_complete:  # noqa: ASYNC110
            await asyncio.sleep(0)

    return call


def main() -> None:
    variants: dict[str, Callable[..., HttpToolsProtocol]] = {
        "ours": functools.partial(
            BoundedHttpToolsProtocol, max_header_bytes=16_384, max_header_count=100
        ),
        "uvicorn_httptools": HttpToolsProtocol,
    }
    results = {
        name: {
            f"cpu_us_per_request_{count}_headers": async_cpu_us(
                requests_through(factory, count), CALLS
            )
            for count in HEADER_COUNTS
        }
        for name, factory in variants.items()
    }
    report("HTTP/1.1 request parsing and answer, in-process protocol", {"results": results})


if __name__ == "__main__":
    main()
