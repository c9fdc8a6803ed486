"""Benchmark: requests/s and p99 of the generated service vs a bare FastAPI app, side by side.

Both are served by uvicorn (uvloop, httptools, one worker) on 127.0.0.1, both running for the whole
benchmark, and loaded in turn with wrk (bounded: fixed duration and connections), alternating service
and bare for each endpoint over --rounds rounds so a machine shared with other work slows both alike;
the best round of each is kept, and the median of the per-round ratios is reported beside it. wrk
exits 0 on 5xx, so non-2xx counts are parsed and reported.
Usage: python benchmarks/throughput.py [--connections 64] [--seconds 5] [--rounds 3] [--data KEY=VALUE ...]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from common import free_port, install, render, run, scratch_database, server, tool_env, write_report

BARE_APP = Path(__file__).with_name("bare_app.py")
UNIT_TO_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_wrk(output: str) -> dict[str, Any]:
    def number(pattern: str) -> float:
        match = re.search(pattern, output)
        return float(match.group(1)) if match else 0.0

    p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    return {
        "requests_per_second": number(r"Requests/sec:\s+([\d.]+)"),
        "p99_ms": round(float(p99.group(1)) * UNIT_TO_MS[p99.group(2)], 3) if p99 else None,
        "requests": int(number(r"(\d+) requests in")),
        "non_2xx_3xx": int(number(r"Non-2xx or 3xx responses:\s+(\d+)")),
        "socket_errors": "Socket errors" in output,
    }


def load(url: str, connections: int, seconds: int) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (see ../shared/TOOLING.md)")
    # Warm up briefly so both apps are measured past their first requests.
    subprocess.run(["wrk", "-t1", "-c8", "-d1s", url], capture_output=True, check=True)
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    output = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=seconds + 30).stdout
    return parse_wrk(output)


def create_item(base_url: str) -> str:
    body = json.dumps({"name": "benchmark item", "description": "for GET /items/{id}", "price": "9.99"})
    request = urllib.request.Request(
        f"{base_url}/items", data=body.encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return str(json.loads(response.read())["id"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data", action="append", default=[], help="answers for the render")
    options = parser.parse_args()

    rounds: dict[str, dict[str, list[dict[str, Any]]]] = {"service": {}, "bare_fastapi": {}}
    with tempfile.TemporaryDirectory() as scratch, scratch_database() as database_url:
        project = Path(scratch) / "service"
        render(project, *options.data)
        install(project)
        env = {
            **tool_env(),
            "DATABASE_URL": database_url,
            "APP_ENV": "production",
            "APP_SECRET_KEY": "benchmark-secret-key-that-is-long-enough-0123456789",
        }
        run([str(project / ".venv/bin/alembic"), "upgrade", "head"], cwd=project, env=env)
        python = str(project / ".venv/bin/python")
        service_port, bare_port = free_port(), free_port()
        bases = {
            "service": f"http://127.0.0.1:{service_port}",
            "bare_fastapi": f"http://127.0.0.1:{bare_port}",
        }
        with contextlib.ExitStack() as servers:
            servers.enter_context(
                server(
                    [python, "-m", "app"],
                    project,
                    {**env, "APP_PORT": str(service_port)},
                    f"{bases['service']}/healthz",
                )
            )
            servers.enter_context(
                server(
                    [python, str(BARE_APP), str(bare_port)], project, env, f"{bases['bare_fastapi']}/healthz"
                )
            )
            item_id = create_item(bases["service"])
            for _ in range(options.rounds):
                for endpoint, path in (("healthz", "/healthz"), ("items_by_id", f"/items/{item_id}")):
                    for app_name, base in bases.items():
                        rounds[app_name].setdefault(endpoint, []).append(
                            load(f"{base}{path}", options.connections, options.seconds)
                        )
    results = {
        app_name: {
            endpoint: max(samples, key=lambda sample: sample["requests_per_second"])
            for endpoint, samples in by_endpoint.items()
        }
        for app_name, by_endpoint in rounds.items()
    }
    ratios = {
        endpoint: round(
            results["service"][endpoint]["requests_per_second"]
            / max(results["bare_fastapi"][endpoint]["requests_per_second"], 1e-9),
            3,
        )
        for endpoint in ("healthz", "items_by_id")
    }
    # Each round loads the service and the bare app back to back, so a round's ratio is the least
    # disturbed by a neighbour's load that comes and goes; the median of them is the steady figure.
    ratios_each_round = {
        endpoint: [
            round(service["requests_per_second"] / max(bare["requests_per_second"], 1e-9), 3)
            for service, bare in zip(
                rounds["service"][endpoint], rounds["bare_fastapi"][endpoint], strict=True
            )
        ]
        for endpoint in ("healthz", "items_by_id")
    }
    write_report(
        "throughput" + ("_" + "_".join(options.data).replace("=", "-") if options.data else ""),
        {
            "benchmark": "generated service vs bare FastAPI, same server, wrk on 127.0.0.1",
            "answers": options.data or "defaults",
            "connections": options.connections,
            "seconds_per_run": options.seconds,
            "rounds": options.rounds,
            "results": results,
            "requests_per_second_each_round": {
                app_name: {
                    endpoint: [sample["requests_per_second"] for sample in samples]
                    for endpoint, samples in by_endpoint.items()
                }
                for app_name, by_endpoint in rounds.items()
            },
            "throughput_ratio_service_to_bare": ratios,
            "throughput_ratio_each_round": ratios_each_round,
            "throughput_ratio_median_of_rounds": {
                endpoint: statistics.median(values) for endpoint, values in ratios_each_round.items()
            },
        },
    )


if __name__ == "__main__":
    main()
