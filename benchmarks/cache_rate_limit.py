"""Benchmark: the cache's and the rate limiter's effect on throughput, side by side in one run.

Renders the service four ways (no feature, cache=redis, rate_limit=memory, rate_limit=redis), serves
each with uvicorn (one worker, APP_ENV=production, one PostgreSQL database) and loads it with wrk:
- GET /items/{id}: the cached read vs the uncached one (and the limiter's cost on a real route);
- GET /unknown (a 404 that touches no database): isolates the limiter's cost per request.
Limits are set so high that nothing is refused; the cost is counting and the headers. Cost per
request is 1/rps(feature) - 1/rps(none), in microseconds of the single worker's time.
Usage: python benchmarks/cache_rate_limit.py [--connections 64] [--seconds 5]
Needs PostgreSQL (SHIPYARD_TEST_DATABASE_URL) and Redis (REDIS_URL, default the local server).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from common import free_port, install, render, run, scratch_database, server, tool_env, write_report
from throughput import create_item, load

# name -> (answers of the render, extra environment of the server)
VARIANTS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "none": ((), {}),
    "cache_redis": (("cache=redis",), {}),
    "rate_limit_memory": (("rate_limit=memory",), {}),
    "rate_limit_redis": (("rate_limit=redis",), {}),
    # The default moving window keeps one entry per request in the window, so with a huge limit
    # its cost grows with the request rate; the fixed window is one counter per client.
    "rate_limit_memory_fixed_window": (("rate_limit=memory",), {"RATE_LIMIT_STRATEGY": "fixed-window"}),
    "rate_limit_redis_fixed_window": (("rate_limit=redis",), {"RATE_LIMIT_STRATEGY": "fixed-window"}),
}
LIMITED = [name for name in VARIANTS if name.startswith("rate_limit")]
HUGE_LIMIT = "1000000000/minute"


def service_env(database_url: str) -> dict[str, str]:
    run_id = uuid.uuid4().hex[:8]
    return {
        **tool_env(),
        "DATABASE_URL": database_url,
        "APP_ENV": "production",
        "APP_SECRET_KEY": "benchmark-secret-key-that-is-long-enough-0123456789",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "CACHE_KEY_PREFIX": f"bench-{run_id}",
        "RATE_LIMIT_KEY_PREFIX": f"bench-{run_id}",
        "RATE_LIMIT_DEFAULT": HUGE_LIMIT,
        "RATE_LIMIT_WRITE": HUGE_LIMIT,
    }


def measure(
    project: Path,
    env: dict[str, str],
    item_id: str | None,
    connections: int,
    seconds: int,
) -> tuple[dict[str, Any], str]:
    """wrk results for this render, and the id of the item read (created by the first render)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    python = str(project / ".venv/bin/python")
    env = {**env, "APP_PORT": str(port)}
    with server([python, "-m", "app"], project, env, f"{base}/healthz"):
        item_id = item_id or create_item(base)
        return {
            "items_by_id": load(f"{base}/items/{item_id}", connections, seconds),
            "not_found": load(f"{base}/unknown", connections, seconds),
        }, item_id


def cost_us(results: dict[str, Any], variant: str, endpoint: str) -> float:
    """Extra worker time per request compared with the render without features, in microseconds."""
    rps = results[variant][endpoint]["requests_per_second"]
    baseline = results["none"][endpoint]["requests_per_second"]
    return round((1 / max(rps, 1e-9) - 1 / max(baseline, 1e-9)) * 1e6, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=5)
    options = parser.parse_args()

    results: dict[str, Any] = {}
    item_id = None  # every render reads the same row of the one database
    with tempfile.TemporaryDirectory() as scratch, scratch_database() as database_url:
        projects: dict[tuple[str, ...], Path] = {}
        for variant, (answers, extra_env) in VARIANTS.items():
            if answers not in projects:
                project = Path(scratch) / (variant or "none")
                render(project, *answers)
                install(project)
                if not projects:
                    migrate_env = {**tool_env(), "DATABASE_URL": database_url}
                    alembic = str(project / ".venv/bin/alembic")
                    run([alembic, "upgrade", "head"], cwd=project, env=migrate_env)
                projects[answers] = project
            env = {**service_env(database_url), **extra_env}
            results[variant], item_id = measure(
                projects[answers], env, item_id, options.connections, options.seconds
            )

    by_id = {variant: results[variant]["items_by_id"]["requests_per_second"] for variant in VARIANTS}
    write_report(
        "cache_rate_limit",
        {
            "benchmark": "cache and rate limiter vs no feature, same server, wrk on 127.0.0.1",
            "connections": options.connections,
            "seconds_per_run": options.seconds,
            "rate_limit": f"{HUGE_LIMIT}, moving window unless the variant says fixed_window",
            "results": results,
            "items_by_id_rps": by_id,
            "cached_to_uncached_ratio": round(by_id["cache_redis"] / max(by_id["none"], 1e-9), 3),
            "rate_limiter_cost_us_per_request": {
                variant: {
                    endpoint: cost_us(results, variant, endpoint) for endpoint in ("not_found", "items_by_id")
                }
                for variant in LIMITED
            },
        },
    )


if __name__ == "__main__":
    main()
