"""Benchmark: what each feature costs per request, in CPU microseconds, free of server and load noise.

For each configuration of benchmarks/observability.py the generated app is called in-process
(benchmarks/asgi_cpu.py: no uvicorn, no wrk, no sockets on the HTTP side) for GET /healthz and
GET /items/{id}, next to the bare FastAPI app of benchmarks/bare_app.py; PostgreSQL, Redis and the
OTLP sink are real. CPU time per request is steady where wrk's requests/s swing with whatever
else the two cores run, so the difference to the default service is each feature's own cost.
Usage: python benchmarks/feature_cost.py [--requests 4000] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from common import run, scratch_database, write_report
from observability import CONFIGURATIONS, benchmark_env, configured_projects, otlp_sink, psql
from throughput import BARE_APP

DRIVER = Path(__file__).with_name("asgi_cpu.py")
ENDPOINTS = {"healthz": "/healthz", "items_by_id": "/items/{id}"}


def cpu_per_request(project: Path, env: dict[str, str], target: str, path: str, requests: int) -> float:
    python = str(project / ".venv/bin/python")
    output = run([python, str(DRIVER), target, path, str(requests)], cwd=project, env=env)
    return float(json.loads(output.strip().splitlines()[-1])["cpu_us_per_request"])


def measure(project: Path, env: dict[str, str], item_id: str, requests: int) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for endpoint, template in ENDPOINTS.items():
        path = template.format(id=item_id)
        # /healthz is cheap: more requests for the same measuring time.
        count = requests * 5 if endpoint == "healthz" else requests
        service = cpu_per_request(project, env, "app.main:create_app", path, count)
        bare_env = {**env, "PYTHONPATH": str(BARE_APP.parent)}
        bare = cpu_per_request(project, bare_env, "bare_app:app", path, count)
        row[endpoint] = {"service_cpu_us": service, "bare_cpu_us": bare}
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=4000, help="per item read measurement")
    parser.add_argument("--only", action="append", default=[], choices=list(CONFIGURATIONS))
    options = parser.parse_args()
    names = options.only or list(CONFIGURATIONS)

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as scratch, scratch_database() as database_url, otlp_sink() as sink:
        env = benchmark_env(database_url, sink)
        item_id = ""
        for name, project, extra_env in configured_projects(Path(scratch), names, env):
            if not item_id:
                item_id = psql(
                    env,
                    "INSERT INTO items (name, price_cents, created_at, updated_at, version)"
                    " VALUES ('benchmark item', 999, now(), now(), 1) RETURNING id",
                ).split()[0]
            results[name] = measure(project, {**env, **extra_env}, item_id, options.requests)
    write_report("feature_cost", report(results, options.requests))


def report(results: dict[str, Any], requests: int) -> dict[str, Any]:
    base = results.get("none")
    for row in results.values():
        for endpoint, values in row.items():
            values["ratio_to_bare"] = round(values["bare_cpu_us"] / values["service_cpu_us"], 3)
            if base is not None:
                values["feature_cost_us"] = round(
                    values["service_cpu_us"] - base[endpoint]["service_cpu_us"], 1
                )
    return {
        "benchmark": "CPU per request in-process (no server, no load generator), service vs bare",
        "requests_per_item_read_measurement": requests,
        "concurrency": 16,
        "results": results,
    }


if __name__ == "__main__":
    main()
