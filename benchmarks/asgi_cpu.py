"""Driver: CPU time per request of an ASGI app called in-process (no server, no client, no wrk).

Run with the generated project's interpreter, from the project directory:
    python asgi_cpu.py app.main:create_app /items/1 [requests] [concurrency]
Prints one JSON line: {"cpu_us_per_request": ..., "requests_per_second": ...}. Every answer must
be a 200, or it stops with the status it got. `drive` takes extra request headers (benchmarks/
auth_cpu.py sends an Authorization header with them).
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

App = Callable[..., Any]
Headers = tuple[tuple[bytes, bytes], ...]


async def one_request(app: App, path: str, headers: Headers = ()) -> int:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent = False
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client never disconnects
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app(scope, receive, send)
    return statuses[0]


async def drive(
    app: App, path: str, requests: int, concurrency: int, headers: Headers = ()
) -> tuple[float, float]:
    async def worker(count: int) -> None:
        for _ in range(count):
            status = await one_request(app, path, headers)
            if status != 200:
                raise SystemExit(f"GET {path} answered {status}, not 200")

    await asyncio.gather(*(worker(20) for _ in range(concurrency)))  # warm up
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker(requests // concurrency) for _ in range(concurrency)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    done = requests // concurrency * concurrency
    return cpu / done * 1e6, done / wall


async def main() -> None:
    target, path = sys.argv[1], sys.argv[2]
    requests = int(sys.argv[3]) if len(sys.argv) > 3 else 4000
    concurrency = int(sys.argv[4]) if len(sys.argv) > 4 else 16
    sys.path.insert(0, str(Path.cwd()))
    module_name, _, attribute = target.partition(":")
    app = getattr(importlib.import_module(module_name), attribute)
    if attribute == "create_app":
        app = app()
    async with app.router.lifespan_context(app):
        cpu_us, rps = await drive(app, path, requests, concurrency)
    print(json.dumps({"cpu_us_per_request": round(cpu_us, 1), "requests_per_second": round(rps)}))


if __name__ == "__main__":
    import uvloop

    uvloop.run(main())
