"""Benchmark: fresh venv -> generated tests green, for the default render (goal <= 15 s).

The uv cache is warm (a first untimed install fills it), as on a developer machine or a CI cache;
the timed part is `uv sync` into a new .venv plus the generated pytest run against PostgreSQL.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import BIN, install, render, run, scratch_database, tool_env, write_report

GOAL_SECONDS = 15.0


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch, scratch_database() as database_url:
        project = Path(scratch) / "service"
        render(project)
        install(project)  # warms the uv cache
        shutil.rmtree(project / ".venv")
        env = {**tool_env(), "DATABASE_URL": database_url}
        started = time.perf_counter()
        run([str(BIN / "uv"), "sync", "--quiet"], cwd=project, env=env)
        installed = time.perf_counter()
        output = run(
            [str(project / ".venv/bin/pytest"), "-q", "-p", "no:cacheprovider"], cwd=project, env=env
        )
        finished = time.perf_counter()
    summary = [line for line in output.splitlines() if " passed" in line]
    total = finished - started
    write_report(
        "fresh_venv_tests",
        {
            "benchmark": "fresh venv (warm uv cache) -> generated pytest green, default render",
            "install_seconds": round(installed - started, 2),
            "pytest_seconds": round(finished - installed, 2),
            "total_seconds": round(total, 2),
            "pytest_summary": summary[-1] if summary else output.splitlines()[-1],
            "goal_seconds": GOAL_SECONDS,
            "met": total <= GOAL_SECONDS,
        },
    )


if __name__ == "__main__":
    main()
