"""Benchmark: the cost of metrics, tracing and the other features, alone and all together.

Each configuration is rendered, installed and served like production (uvicorn, uvloop, httptools, one
worker, APP_ENV=production) and loaded with wrk (GET /healthz and GET /items/{id}, 64 connections),
next to a bare FastAPI app on the same server. Tracing exports to a local OTLP sink (a collector
that answers 200 at once), so export work is counted; it runs at production sampling (10%) and, in
one extra run, at 100%. Rate limits are raised so wrk's single client is never rejected.
Usage: python benchmarks/observability.py [--seconds 5] [--connections 64] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from common import free_port, install, render, run, scratch_database, server, tool_env, write_report
from throughput import BARE_APP, create_item, load

ALL = ["cache=redis", "rate_limit=redis", "metrics=true", "tracing=true", "monitoring=true"]
CONFIGURATIONS: dict[str, tuple[list[str], dict[str, str]]] = {
    "none": ([], {}),
    "metrics": (["metrics=true"], {}),
    "tracing": (["tracing=true"], {}),
    "cache": (["cache=redis"], {}),
    "rate_limit": (["rate_limit=redis"], {}),
    "all": (ALL, {}),
    "all_traced_100pct": (ALL, {"TRACING_SAMPLE_RATIO": "1.0"}),
}
GOAL_RATIO, GOAL_P99_MS = 0.6, 25.0
# An OTLP/HTTP endpoint that accepts everything: the exporter's work is measured, not a collector's.
OTLP_SINK = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class Sink(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *args): pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
"""


@contextmanager
def otlp_sink() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", OTLP_SINK, str(port)])
    try:
        yield f"http://127.0.0.1:{port}/v1/traces"
    finally:
        process.terminate()
        process.wait(timeout=10)


def measure(base: str, item_id: str, connections: int, seconds: int) -> dict[str, Any]:
    return {
        "healthz": load(f"{base}/healthz", connections, seconds),
        "items_by_id": load(f"{base}/items/{item_id}", connections, seconds),
    }


def run_pair(
    project: Path, env: dict[str, str], extra_env: dict[str, str], options: argparse.Namespace
) -> dict[str, Any]:
    """Load the service, then the bare app right after on the same data: a ratio per pair is robust
    to the machine getting busier or quieter between configurations."""
    python = str(project / ".venv/bin/python")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    service_env = {**env, **extra_env, "APP_PORT": str(port)}
    with server([python, "-m", "app"], project, service_env, f"{base}/healthz"):
        item_id = create_item(base)
        service = measure(base, item_id, options.connections, options.seconds)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with server([python, str(BARE_APP), str(port)], project, env, f"{base}/healthz"):
        bare = measure(base, item_id, options.connections, options.seconds)
    return {"service": service, "bare_fastapi": bare}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--only", action="append", default=[], choices=list(CONFIGURATIONS))
    options = parser.parse_args()
    names = options.only or list(CONFIGURATIONS)

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as scratch, scratch_database() as database_url, otlp_sink() as sink:
        env = benchmark_env(database_url, sink)
        for name, project, extra_env in configured_projects(Path(scratch), names, env):
            # Every run creates the same item (names are unique): start from an empty table.
            psql(env, "DELETE FROM items")
            results[name] = run_pair(project, env, extra_env, options)
    write_report("observability", report(results, options))


def configured_projects(
    scratch: Path, names: list[str], env: dict[str, str]
) -> Iterator[tuple[str, Path, dict[str, str]]]:
    """Each named configuration's project, rendered and installed once per answer set, migrated."""
    projects: dict[tuple[str, ...], Path] = {}
    for name in names:
        answers, extra_env = CONFIGURATIONS[name]
        key = tuple(answers)
        if key not in projects:
            projects[key] = scratch / f"service-{len(projects)}"
            render(projects[key], *answers)
            install(projects[key])
        project = projects[key]
        run([str(project / ".venv/bin/alembic"), "upgrade", "head"], cwd=project, env=env)
        print(f"== {name}", file=sys.stderr, flush=True)
        yield name, project, extra_env


def benchmark_env(database_url: str, otlp_endpoint: str) -> dict[str, str]:
    """Production settings, with rate limits no single benchmark client reaches."""
    return {
        **tool_env(),
        "DATABASE_URL": database_url,
        "APP_ENV": "production",
        "APP_SECRET_KEY": "benchmark-secret-key-that-is-long-enough-0123456789",
        "TRACING_OTLP_ENDPOINT": otlp_endpoint,
        "RATE_LIMIT_DEFAULT": "100000000/second",
        "RATE_LIMIT_WRITE": "100000000/second",
        "LOG_LEVEL": "WARNING",
    }


def psql(env: dict[str, str], sql: str) -> str:
    return run(["psql", env["DATABASE_URL"].replace("+asyncpg", ""), "-tAc", sql])


def report(results: dict[str, Any], options: argparse.Namespace) -> dict[str, Any]:
    endpoints = ("healthz", "items_by_id")
    summary: dict[str, Any] = {}
    for name, pair in results.items():
        row: dict[str, Any] = {}
        for endpoint in endpoints:
            service, bare = pair["service"][endpoint], pair["bare_fastapi"][endpoint]
            row[endpoint] = {
                "rps": service["requests_per_second"],
                "p99_ms": service["p99_ms"],
                "bare_rps": bare["requests_per_second"],
                "bare_p99_ms": bare["p99_ms"],
                "ratio_to_bare": round(
                    service["requests_per_second"] / max(bare["requests_per_second"], 1e-9), 3
                ),
                "errors": service["non_2xx_3xx"],
            }
        summary[name] = row
    if "none" in summary:
        # A feature's cost: how much of the default service's throughput (relative to bare) it takes.
        for row in summary.values():
            for endpoint in endpoints:
                base_ratio = summary["none"][endpoint]["ratio_to_bare"]
                row[endpoint]["throughput_cost_vs_none_pct"] = round(
                    (1 - row[endpoint]["ratio_to_bare"] / max(base_ratio, 1e-9)) * 100, 1
                )
    goals = None
    if "all" in summary:
        goals = {
            endpoint: {
                "ratio_ok": summary["all"][endpoint]["ratio_to_bare"] >= GOAL_RATIO,
                "p99_ok": (summary["all"][endpoint]["p99_ms"] or 1e9) <= GOAL_P99_MS,
            }
            for endpoint in endpoints
        }
    return {
        "benchmark": "features alone and together vs bare FastAPI (paired runs), one uvicorn worker, wrk",
        "connections": options.connections,
        "seconds_per_run": options.seconds,
        "goal": f"all features: ratio to bare >= {GOAL_RATIO}, p99 <= {GOAL_P99_MS} ms",
        "goals_met": goals,
        "summary": summary,
        "raw": results,
    }


if __name__ == "__main__":
    main()
