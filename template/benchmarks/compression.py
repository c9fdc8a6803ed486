"""Benchmark: our compression layer against Starlette's GZipMiddleware alone, CPU time per request.

Both wrap an endpoint that answers 200 with a tiny body at once, called in-process: once for a
client that sends no Accept-Encoding (ours skips gzip and only adds Vary) and once for one that
accepts gzip (both run Starlette's gzip; the body is too small to compress).
Run: uv run python benchmarks/compression.py
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from timing import Asgi, asgi_request, async_cpu_us, ok_endpoint, report

from app.core.middleware.compression import CompressionMiddleware

CALLS = 20_000
MINIMUM_SIZE = 1000
ACCEPTS_GZIP = [(b"accept-encoding", b"gzip, deflate")]


def main() -> None:
    variants: dict[str, Asgi] = {
        "ours": CompressionMiddleware(ok_endpoint, minimum_size=MINIMUM_SIZE),
        "starlette_gzip": GZipMiddleware(ok_endpoint, minimum_size=MINIMUM_SIZE),
    }
    results = {
        name: {
            "cpu_us_per_request_no_accept_encoding": async_cpu_us(asgi_request(app), CALLS),
            "cpu_us_per_request_accepts_gzip": async_cpu_us(asgi_request(app, ACCEPTS_GZIP), CALLS),
        }
        for name, app in variants.items()
    }
    alone = async_cpu_us(asgi_request(ok_endpoint), CALLS)
    results["endpoint_alone"] = {"cpu_us_per_request": alone}
    report("gzip middleware, in-process ASGI, one request at a time", {"results": results})


if __name__ == "__main__":
    main()
