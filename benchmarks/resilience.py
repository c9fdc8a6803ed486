"""Benchmark: resilience=true vs false on a real server: overload, and the cost per request.

Renders the service twice (resilience=false and resilience=true, other answers the defaults),
serves each with `python -m app` (uvicorn, one worker, APP_ENV=production) on one PostgreSQL
database with the same environment, and loads it from benchmarks/http_load.py on 127.0.0.1:
- capacity: a closed loop of 32 clients on GET /items/{id} against the render without it;
- overload: an open loop at --overload times that capacity for --seconds, on each render: p50 and
  p99 of the admitted answers (200), the share shed (503) and how fast those came back, errors.
  The bound the settings promise for admitted requests: p99 <= MAX_QUEUE_SECONDS + MAX_IN_FLIGHT
  / capacity (a request waits at most the queue time, then runs with at most MAX_IN_FLIGHT others);
- cost: closed loops of --clients clients (fewer than MAX_IN_FLIGHT: nothing is shed) on
  GET /items/{id} and GET /unknown (a 404 without the database), the two renders alternately for
  --rounds rounds; cost per request = 1/rps(on) - 1/rps(off), median over rounds, in microseconds.
  Wall-clock rates swing with whatever else the machine runs, so the same comparison is also made
  in CPU time, in process (benchmarks/asgi_cpu.py, no server), which holds steady under load.
Usage: python benchmarks/resilience.py [--seconds 5] [--overload 3] [--rounds 3] [--clients 8]
Needs PostgreSQL (SHIPYARD_TEST_DATABASE_URL).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from common import free_port, install, render, run, scratch_database, server, tool_env, write_report
from http_load import closed_loop, open_loop
from throughput import create_item

ASGI_CPU = Path(__file__).with_name("asgi_cpu.py")
CPU_REQUESTS = 1500
RENDERS = {"off": ("resilience=false",), "on": ("resilience=true",)}
CAPACITY_CLIENTS = 32
WARM_UP_SECONDS = 1.0


def service_env(database_url: str, options: argparse.Namespace) -> dict[str, str]:
    return {
        **tool_env(),
        "DATABASE_URL": database_url,
        "APP_ENV": "production",
        "APP_SECRET_KEY": "benchmark-secret-key-that-is-long-enough-0123456789",
        "APP_LOG_LEVEL": "warning",
        "RESILIENCE_MAX_IN_FLIGHT": str(options.max_in_flight),
        "RESILIENCE_MAX_QUEUED": str(options.max_queued),
        "RESILIENCE_MAX_QUEUE_SECONDS": str(options.max_queue_seconds),
    }


class Served:
    """One render's server, started for one measurement at a time (a fresh process each)."""

    def __init__(self, project: Path, env: dict[str, str]) -> None:
        self.project, self.env = project, env

    def cpu_us(self, path: str) -> float:
        """CPU microseconds per request of the app called in process (every answer a 200)."""
        python = str(self.project / ".venv/bin/python")
        command = [python, str(ASGI_CPU), "app.main:create_app", path, str(CPU_REQUESTS)]
        output = run(command, cwd=self.project, env=self.env)
        return float(json.loads(output.strip().splitlines()[-1])["cpu_us_per_request"])

    def measure(self, load: Any, path: str) -> dict[str, Any]:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        python = str(self.project / ".venv/bin/python")
        env = {**self.env, "APP_PORT": str(port)}
        with server([python, "-m", "app"], self.project, env, f"{base}/healthz"):
            closed_loop(f"{base}{path}", 8, WARM_UP_SECONDS)
            result: dict[str, Any] = load(f"{base}{path}")
            return result


def ok_rps(result: dict[str, Any]) -> float:
    seconds = result["requests"] / max(result["answered_per_second"], 1e-9)
    return float(result["by_status"].get("200", {}).get("count", 0)) / max(seconds, 1e-9)


def overload_row(result: dict[str, Any]) -> dict[str, Any]:
    admitted = result["by_status"].get("200", {})
    shed = result["by_status"].get("503", {})
    total = max(result["requests"] + result["not_sent"], 1)
    return {
        "admitted_p50_ms": admitted.get("p50_ms"),
        "admitted_p99_ms": admitted.get("p99_ms"),
        "admitted_max_ms": admitted.get("max_ms"),
        "admitted_share": round(admitted.get("count", 0) / total, 3),
        "shed_share": round(shed.get("count", 0) / total, 3),
        "shed_p50_ms": shed.get("p50_ms"),
        "shed_p99_ms": shed.get("p99_ms"),
        "errors_or_not_sent": result["errors"] + result["not_sent"],
        "raw": result,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--overload", type=float, default=3, help="offered load / capacity")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--max-in-flight", type=int, default=16)
    parser.add_argument("--max-queued", type=int, default=16)
    parser.add_argument("--max-queue-seconds", type=float, default=0.1)
    options = parser.parse_args()
    if options.clients >= options.max_in_flight:
        raise SystemExit("--clients must stay below --max-in-flight, or the cost run sheds")

    with tempfile.TemporaryDirectory() as scratch, scratch_database() as database_url:
        env = service_env(database_url, options)
        served: dict[str, Served] = {}
        for name, answers in RENDERS.items():
            project = Path(scratch) / name
            render(project, *answers)
            install(project)
            served[name] = Served(project, env)
        alembic = str(served["off"].project / ".venv/bin/alembic")
        run([alembic, "upgrade", "heads"], cwd=served["off"].project, env=env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        python = str(served["off"].project / ".venv/bin/python")
        with server(
            [python, "-m", "app"], served["off"].project, {**env, "APP_PORT": str(port)}, f"{base}/healthz"
        ):
            item = f"/items/{create_item(base)}"

        seconds = options.seconds
        capacity_run = served["off"].measure(lambda url: closed_loop(url, CAPACITY_CLIENTS, seconds), item)
        capacity = ok_rps(capacity_run)
        rate = capacity * options.overload
        overload = {
            name: overload_row(one.measure(lambda url: open_loop(url, rate, seconds), item))
            for name, one in served.items()
        }

        cost_runs: dict[str, dict[str, list[float]]] = {name: {} for name in served}
        for _ in range(options.rounds):
            for path_name, path in (("items_by_id", item), ("not_found", "/unknown")):
                for name, one in served.items():
                    result = one.measure(lambda url: closed_loop(url, options.clients, seconds), path)
                    cost_runs[name].setdefault(path_name, []).append(result["answered_per_second"])
            for name, one in served.items():
                cost_runs[name].setdefault("cpu_us_items_by_id", []).append(one.cpu_us(item))

    bound_ms = round((options.max_queue_seconds + options.max_in_flight / capacity) * 1000, 1)
    cpu = {name: cost_runs[name].pop("cpu_us_items_by_id") for name in served}
    cost_cpu = {
        "cpu_us_off": [round(v, 1) for v in cpu["off"]],
        "cpu_us_on": [round(v, 1) for v in cpu["on"]],
        "cost_us_per_request": round(statistics.median(cpu["on"]) - statistics.median(cpu["off"]), 1),
    }
    cost = {
        path: {
            "rps_off": [round(v, 1) for v in cost_runs["off"][path]],
            "rps_on": [round(v, 1) for v in cost_runs["on"][path]],
            "cost_us_per_request": round(
                statistics.median(
                    (1 / on - 1 / off) * 1e6
                    for on, off in zip(cost_runs["on"][path], cost_runs["off"][path], strict=True)
                ),
                1,
            ),
        }
        for path in cost_runs["off"]
    }
    write_report(
        "resilience",
        {
            "benchmark": "resilience=true vs false, python -m app (uvicorn, 1 worker), 127.0.0.1",
            "settings": {key: value for key, value in env.items() if key.startswith("RESILIENCE_")},
            "capacity_rps": round(capacity, 1),
            "offered_rps": round(rate, 1),
            "seconds_per_run": seconds,
            "overload": overload,
            "admitted_p99_bound_ms": bound_ms,
            "bound_held": (overload["on"]["admitted_p99_ms"] or 0) <= bound_ms,
            "cost_wall_clock": cost,
            "cost_cpu_in_process_items_by_id": cost_cpu,
        },
    )


if __name__ == "__main__":
    main()
