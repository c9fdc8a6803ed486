"""Benchmark: fresh venv -> generated tests green, for the default render (goal <= 15 s).

The uv cache is warm (a first untimed install fills it), as on a developer machine or a CI cache;
the timed part is `uv sync --extra loadtest` into a new .venv (what `make test` installs) plus the
generated pytest run against PostgreSQL: the whole suite as `make test` runs it (fault tests with
real processes and outages, coverage), and the quick loop `pytest -m "not fault" --no-cov`.
With --before DIR (a checkout of an earlier revision), that template's render is measured in the
same run, alternating with this one's over --rounds, for a before/after side by side.
Usage: python benchmarks/fresh_venv_tests.py [--rounds 1] [--before DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from common import BIN, install, median, render, run, scratch_database, tool_env, write_report

GOAL_SECONDS = 15.0
SUITES = {
    "whole_suite": ["-q", "-p", "no:cacheprovider"],
    "quick_loop": ["-q", "-p", "no:cacheprovider", "-m", "not fault", "--no-cov"],
}


def fresh_venv_to_green(project: Path, database_url: str) -> dict[str, Any]:
    """Remove the project's venv, then time `uv sync` and the generated pytest run."""
    shutil.rmtree(project / ".venv")
    env = {**tool_env(), "DATABASE_URL": database_url}
    started = time.perf_counter()
    run([str(BIN / "uv"), "sync", "--quiet", "--extra", "loadtest"], cwd=project, env=env)
    installed = time.perf_counter()
    result: dict[str, Any] = {"install_seconds": round(installed - started, 2)}
    for suite, arguments in SUITES.items():
        suite_started = time.perf_counter()
        output = run([str(project / ".venv/bin/pytest"), *arguments], cwd=project, env=env)
        seconds = time.perf_counter() - suite_started
        summary = [line for line in output.splitlines() if " passed" in line]
        result[suite] = {
            "pytest_seconds": round(seconds, 2),
            "total_seconds": round(installed - started + seconds, 2),
            "pytest_summary": summary[-1] if summary else output.splitlines()[-1],
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--before", type=Path, help="a checkout of an earlier revision, measured alongside")
    options = parser.parse_args()
    templates: dict[str, Path | None] = {"this_checkout": None}
    if options.before is not None:
        templates["before"] = options.before.resolve()
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in templates}
    with tempfile.TemporaryDirectory() as scratch, scratch_database() as database_url:
        projects = {}
        for name, template in templates.items():
            projects[name] = Path(scratch) / name
            render(projects[name], template=template)
            install(projects[name])  # warms the uv cache
        for _ in range(options.rounds):
            for name, project in projects.items():
                runs[name].append(fresh_venv_to_green(project, database_url))
    report: dict[str, Any] = {
        "benchmark": "fresh venv (warm uv cache) -> generated pytest green, default render",
        "rounds": options.rounds,
        "goal_seconds": GOAL_SECONDS,
    }
    for name, results in runs.items():
        report[name] = {"runs": results}
        for suite in SUITES:
            total = median([result[suite]["total_seconds"] for result in results])
            report[name][suite] = {"median_total_seconds": total, "met": total <= GOAL_SECONDS}
    write_report("fresh_venv_tests", report)


if __name__ == "__main__":
    main()
