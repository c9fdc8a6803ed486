"""The checks of benchmarks/server_faults.py, run by the render's interpreter (it has httpx).

Usage (server_faults.py runs it): PROJECT/.venv/bin/python benchmarks/server_fault_checks.py PROJECT
Prints one JSON document: the drain limit, and the results for uvicorn and for granian.
"""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from common import free_port, tool_env

DRAIN_LIMIT_SECONDS = 2
IN_FLIGHT = 5
LIFESPAN_SHUTDOWN_LINE = "application shutdown complete"


def command(name: str, project: Path, port: int) -> list[str]:
    if name == "uvicorn":  # app.core.server, as `python -m app` runs it
        return [str(project / ".venv/bin/python"), "-m", "tests.support.slow_app"]
    return [
        str(project / ".venv/bin/granian"),
        "--interface", "asgi",
        "--factory",
        "--host", "127.0.0.1",
        "--port", str(port),
        "--workers", "1",
        "--loop", "uvloop",
        "--no-ws",
        "--workers-kill-timeout", str(DRAIN_LIMIT_SECONDS),
        "--http1-buffer-size", "16384",
        "tests.support.slow_app:create_app",
    ]  # fmt: skip


def start(name: str, project: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **tool_env(),
        "APP_ENV": "test",
        "APP_SECRET_KEY": "server-faults-secret-key-long-enough-0123456789",
        "APP_PORT": str(port),
        "APP_SHUTDOWN_TIMEOUT_SECONDS": str(DRAIN_LIMIT_SECONDS),
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "DATABASE_URL": f"sqlite+aiosqlite:///{log.with_suffix('.db')}",
    }
    with log.open("w") as output:
        process = subprocess.Popen(
            command(name, project, port), cwd=project, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    return process, f"http://127.0.0.1:{port}"


async def wait_until_serving(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if (await client.get(f"{base}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit(f"the server never answered {base}/healthz")


def refuses_connections(base: str) -> bool:
    host, port = base.removeprefix("http://").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
    except OSError:
        return True
    return False


def answer(result: object) -> str:
    return str(result.status_code) if isinstance(result, httpx.Response) else type(result).__name__


async def drain(name: str, project: Path, scratch: Path, request_seconds: float) -> dict[str, Any]:
    log = scratch / f"{name}-drain-{request_seconds}.log"
    process, base = start(name, project, log)
    try:
        await wait_until_serving(base, process)
        limits = httpx.Limits(max_connections=IN_FLIGHT + 2)
        async with httpx.AsyncClient(base_url=base, timeout=20, limits=limits) as client:
            requests = [
                asyncio.create_task(client.get("/slow", params={"seconds": request_seconds}))
                for _ in range(IN_FLIGHT)
            ]
            await asyncio.sleep(0.5)
            process.send_signal(signal.SIGTERM)
            signalled = time.monotonic()
            await asyncio.sleep(0.3)
            refused = await asyncio.to_thread(refuses_connections, base)
            results = await asyncio.gather(*requests, return_exceptions=True)
        exit_code = await asyncio.to_thread(process.wait, 30)
        return {
            "answers": sorted({answer(result) for result in results}),
            "content_types": sorted(
                {r.headers.get("content-type", "") for r in results if isinstance(r, httpx.Response)}
            ),
            "new_connections_refused": refused,
            "exit_code": exit_code,
            "seconds_to_exit": round(time.monotonic() - signalled, 1),
            "lifespan_shutdown_ran": LIFESPAN_SHUTDOWN_LINE in log.read_text(),
        }
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


async def request_head(name: str, project: Path, scratch: Path) -> dict[str, Any]:
    process, base = start(name, project, scratch / f"{name}-head.log")
    try:
        await wait_until_serving(base, process)
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            large = await client.get("/healthz", headers={"x-large": "a" * 32_000})
            many = await client.get("/healthz", headers=[(f"x-h{i}", "v") for i in range(150)])
        return {
            "one_32kb_header": {
                "status": large.status_code,
                "content_type": large.headers.get("content-type"),
            },
            "150_headers": {"status": many.status_code, "content_type": many.headers.get("content-type")},
        }
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


async def check(name: str, project: Path, scratch: Path) -> dict[str, Any]:
    return {
        "drain_1_2s_requests": await drain(name, project, scratch, 1.2),
        "drain_limit_ends_first_8s_requests": await drain(name, project, scratch, 8),
        "request_head": await request_head(name, project, scratch),
    }


def main() -> None:
    project = Path(sys.argv[1])
    results = {name: asyncio.run(check(name, project, project.parent)) for name in ("uvicorn", "granian")}
    print(json.dumps({"drain_limit_seconds": DRAIN_LIMIT_SECONDS, "results": results}))


if __name__ == "__main__":
    main()
