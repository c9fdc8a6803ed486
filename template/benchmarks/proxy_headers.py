"""Benchmark: our client-address middleware against uvicorn's ProxyHeadersMiddleware.

Two things per implementation, both trusting 10.0.0.0/8 with the request arriving from
10.0.0.2: CPU time per request (in-process ASGI), and the client each one settles on for a few
X-Forwarded-For headers a proxy chain or a hostile client can send. uvicorn comes with the
service, so this needs nothing extra: uv run python benchmarks/proxy_headers.py
"""

from __future__ import annotations

import ipaddress
from typing import Any

from timing import async_cpu_us, http_scope, report
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.core.middleware.client_address import ClientAddressMiddleware

CALLS = 20_000
PEER = ("10.0.0.2", 50000)
TRUSTED = "10.0.0.0/8"
CASES: dict[str, list[tuple[bytes, bytes]]] = {
    "one proxy": [(b"x-forwarded-for", b"203.0.113.7")],
    "two trusted proxies": [(b"x-forwarded-for", b"203.0.113.7, 10.0.0.9")],
    "client-forged left hop": [(b"x-forwarded-for", b"1.2.3.4, 203.0.113.7")],
    "garbage hop": [(b"x-forwarded-for", b"203.0.113.7, not-an-ip")],
    "header sent twice": [
        (b"x-forwarded-for", b"198.51.100.1"),
        (b"x-forwarded-for", b"203.0.113.7"),
    ],
}


async def endpoint(scope: dict[str, Any], receive: Any, send: Any) -> None:
    scope["state_seen_client"] = scope["client"][0] if scope.get("client") else None
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def variants() -> dict[str, Any]:
    return {
        "ours": ClientAddressMiddleware(endpoint, [ipaddress.ip_network(TRUSTED)]),
        "uvicorn": ProxyHeadersMiddleware(endpoint, trusted_hosts=[TRUSTED]),
    }


async def client_seen(app: Any, headers: list[tuple[bytes, bytes]]) -> str | None:
    scope = {**http_scope(headers), "client": PEER}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(_message: dict[str, Any]) -> None:
        return None

    await app(scope, receive, send)
    seen: str | None = scope["state_seen_client"]
    return seen


def main() -> None:
    import asyncio

    results: dict[str, Any] = {}
    for name, app in variants().items():
        headers = CASES["two trusted proxies"]

        async def one(app: Any = app, headers: list[tuple[bytes, bytes]] = headers) -> None:
            await client_seen(app, headers)

        results[name] = {
            "cpu_us_per_request": async_cpu_us(one, CALLS),
            "client_seen": {
                case: asyncio.run(client_seen(app, sent)) for case, sent in CASES.items()
            },
        }
    ours, theirs = results["ours"]["client_seen"], results["uvicorn"]["client_seen"]
    report(
        "client address from trusted proxies, in-process ASGI",
        {
            "results": results,
            "cases_where_they_differ": [case for case in CASES if ours[case] != theirs[case]],
        },
    )


if __name__ == "__main__":
    main()
