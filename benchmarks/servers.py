"""Benchmark: the generated service under granian against uvicorn, one worker and several, side by side.

Renders the default answers, installs granian into the render's venv next to uvicorn, and loads
GET /healthz and GET /items/{id} with http_load's closed loop (bounded: fixed seconds and clients),
alternating the servers so a shared machine slows both alike. uvicorn runs as the service ships it
(`python -m app`, uvloop + httptools); granian serves the same app factory with its ASGI interface
and lifespan. The figure to read is the ratio granian / uvicorn for each worker count and endpoint.
Usage: python benchmarks/servers.py [--seconds 4] [--clients 32] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import urllib.request
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from common import BIN, free_port, install, render, run, scratch_database, server, tool_env, write_report
from http_load import closed_loop

ENDPOINTS = ("healthz", "items_by_id")


def create_item(base_url: str) -> str:
    # Names are unique per item: each server run creates its own in the shared database.
    name = f"server benchmark item {uuid.uuid4().hex[:8]}"
    body = json.dumps({"name": name, "description": "GET /items/{id}", "price": "1.50"})
    request = urllib.request.Request(
        f"{base_url}/items", data=body.encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return str(json.loads(response.read())["id"])


def server_command(name: str, project: Path, port: int, workers: int) -> tuple[list[str], dict[str, str]]:
    if name == "uvicorn":
        return [str(project / ".venv/bin/python"), "-m", "app"], {
            "APP_PORT": str(port),
            "APP_WORKERS": str(workers),
        }
    command = [
        str(project / ".venv/bin/granian"),
        "--interface", "asgi",
        "--factory",
        "--host", "127.0.0.1",
        "--port", str(port),
        "--workers", str(workers),
        "--loop", "uvloop",
        "--no-ws",
        "--log-level", "warning",
        "app.main:create_app",
    ]  # fmt: skip
    return command, {}


def measure(name: str, project: Path, env: dict[str, str], workers: int, options: Any) -> dict[str, Any]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command, extra_env = server_command(name, project, port, workers)
    with server(command, project, {**env, **extra_env}, f"{base}/healthz"):
        item_id = create_item(base)
        results = {}
        for endpoint, path in zip(ENDPOINTS, ("/healthz", f"/items/{item_id}"), strict=True):
            closed_loop(f"{base}{path}", 4, 1)  # warm up past first requests
            results[endpoint] = closed_loop(f"{base}{path}", options.clients, options.seconds)
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=2, help="alternations of the two servers")
    options = parser.parse_args()

    runs: dict[str, dict[str, list[dict[str, Any]]]] = {}
    with tempfile.TemporaryDirectory() as scratch, scratch_database() as database_url:
        project = Path(scratch) / "service"
        render(project)
        install(project)
        run(
            [
                str(BIN / "uv"),
                "pip",
                "install",
                "--quiet",
                "--python",
                str(project / ".venv/bin/python"),
                "granian",
            ]
        )
        env = {
            **tool_env(),
            "DATABASE_URL": database_url,
            "APP_ENV": "production",
            "APP_SECRET_KEY": "benchmark-secret-key-that-is-long-enough-0123456789",
        }
        run([str(project / ".venv/bin/alembic"), "upgrade", "head"], cwd=project, env=env)
        for workers in options.workers:
            for _ in range(options.rounds):
                for name in ("uvicorn", "granian"):
                    runs.setdefault(f"{name}_{workers}w", {}).setdefault("samples", []).append(
                        measure(name, project, env, workers, options)
                    )
    report: dict[str, Any] = {
        "benchmark": "default render under uvicorn and granian, http_load closed loop on 127.0.0.1",
        "clients": options.clients,
        "seconds_per_run": options.seconds,
        "rounds": options.rounds,
        "results": {},
        "ratio_granian_to_uvicorn": {},
    }
    for key, entry in runs.items():
        best = {
            endpoint: max(sample[endpoint]["answered_per_second"] for sample in entry["samples"])
            for endpoint in ENDPOINTS
        }
        report["results"][key] = {"best_answered_per_second": best, "samples": entry["samples"]}
    for workers in options.workers:
        uvicorn_best = report["results"][f"uvicorn_{workers}w"]["best_answered_per_second"]
        granian_best = report["results"][f"granian_{workers}w"]["best_answered_per_second"]
        report["ratio_granian_to_uvicorn"][f"{workers}w"] = {
            endpoint: round(granian_best[endpoint] / max(uvicorn_best[endpoint], 1e-9), 3)
            for endpoint in ENDPOINTS
        }
    write_report("servers", report)


if __name__ == "__main__":
    main()
