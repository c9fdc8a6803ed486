"""Benchmark: our request-id middleware against asgi-correlation-id, CPU time per request.

Both wrap an endpoint that answers 200 at once, called in-process; with and without a caller's
X-Request-ID. The library runs with what the service needs (accept any visible-ASCII id, not only
UUIDs; a hex id otherwise), and without a structlog binding, which ours also does.
Run: uv run --with asgi-correlation-id python benchmarks/request_id.py
"""

from __future__ import annotations

from timing import asgi_request, async_cpu_us, ok_endpoint, optional, report

from app.core.middleware.request_id import RequestIdMiddleware, accepted_request_id

CALLS = 20_000
CALLER_ID = [(b"x-request-id", b"9f2c1d0e-caller-chosen-id")]


def main() -> None:
    variants = {"ours": RequestIdMiddleware(ok_endpoint)}
    library = optional("asgi_correlation_id", "--with asgi-correlation-id")
    if library is not None:
        variants["asgi_correlation_id"] = library.CorrelationIdMiddleware(
            ok_endpoint,
            header_name="X-Request-ID",
            validator=lambda value: accepted_request_id(value.encode("latin-1")) is not None,
        )
    results = {
        name: {
            "cpu_us_per_request_new_id": async_cpu_us(asgi_request(app), CALLS),
            "cpu_us_per_request_caller_id": async_cpu_us(asgi_request(app, CALLER_ID), CALLS),
        }
        for name, app in variants.items()
    }
    report("request id middleware, in-process ASGI, one request at a time", {"results": results})


if __name__ == "__main__":
    main()
