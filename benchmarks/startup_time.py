"""Benchmark: the generated service's process start to its first 200 on /healthz (goal <= 0.6 s)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import free_port, install, median, render, scratch_database, server, tool_env, write_report

GOAL_SECONDS = 0.6
RUNS = 5


def main() -> None:
    timings = []
    with tempfile.TemporaryDirectory() as scratch, scratch_database() as database_url:
        project = Path(scratch) / "service"
        render(project)
        install(project)
        for run_index in range(RUNS + 1):
            port = free_port()
            env = {**tool_env(), "DATABASE_URL": database_url, "APP_PORT": str(port)}
            with server(
                [str(project / ".venv/bin/python"), "-m", "app"],
                project,
                env,
                f"http://127.0.0.1:{port}/healthz",
            ) as seconds:
                if run_index:  # the first start writes bytecode and is not counted
                    timings.append(seconds)
    result = median(timings)
    write_report(
        "startup_time",
        {
            "benchmark": "python -m app spawn -> first 200 on /healthz (default render, PostgreSQL)",
            "runs_seconds": [round(t, 3) for t in timings],
            "median_seconds": result,
            "goal_seconds": GOAL_SECONDS,
            "met": result <= GOAL_SECONDS,
        },
    )


if __name__ == "__main__":
    main()
