"""Benchmark: seconds per matrix combination with a warm uv cache (goal <= 30 s) and the whole
pairwise matrix on this machine (goal <= 20 min on 2 cores).

Usage: python benchmarks/matrix.py [--jobs 2] [--skip-full]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from common import BIN, write_report

PER_COMBINATION_GOAL_SECONDS = 30.0
FULL_MATRIX_GOAL_SECONDS = 20 * 60.0


def run_matrix(workdir: Path, *arguments: str) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "shipyard"), "matrix", "--workdir", str(workdir), *arguments],
        capture_output=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    return seconds, json.loads((workdir / "report.json").read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip-full", action="store_true", help="only the per-combination figure")
    options = parser.parse_args()
    report: dict[str, Any] = {"benchmark": "shipyard matrix"}
    with tempfile.TemporaryDirectory() as scratch:
        run_matrix(Path(scratch) / "warm-up", "--only", "defaults", "--jobs", "1")  # fills the uv cache
        seconds, single = run_matrix(Path(scratch) / "single", "--only", "defaults", "--jobs", "1")
        report["one_combination"] = {
            "seconds": round(seconds, 1),
            "steps": single["combinations"][0]["steps"],
            "goal_seconds": PER_COMBINATION_GOAL_SECONDS,
            "met": seconds <= PER_COMBINATION_GOAL_SECONDS,
        }
        if not options.skip_full:
            seconds, full = run_matrix(
                Path(scratch) / "full", "--strategy", "pairwise", "--jobs", str(options.jobs)
            )
            report["pairwise"] = {
                "combinations": len(full["combinations"]),
                "passed": full["passed"],
                "failed": full["failed"],
                "jobs": options.jobs,
                "seconds": round(seconds, 1),
                "slowest": sorted(((c["seconds"], c["id"]) for c in full["combinations"]), reverse=True)[:3],
                "goal_seconds": FULL_MATRIX_GOAL_SECONDS,
                "met": seconds <= FULL_MATRIX_GOAL_SECONDS,
            }
    write_report("matrix", report)


if __name__ == "__main__":
    main()
