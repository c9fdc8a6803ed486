"""Benchmark: seconds per matrix combination with warm caches (goal <= 30 s) and the whole
pairwise matrix on this machine (goal <= 20 min on 2 cores).

Warm means what a second run on a developer's machine finds: uv's cache and the matrix's mypy
caches (kept under the workdir, which is why both runs share one) filled by a run before.

One combination runs its checks both ways, alternating: in order (`--checks-in-order`, as in
CI where every core has a combination) and side by side (the default with cores spare).

Usage: python benchmarks/matrix.py [--jobs 2] [--rounds 2] [--skip-full]
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
    parser.add_argument("--rounds", type=int, default=2, help="runs of each way, alternating")
    parser.add_argument("--skip-full", action="store_true", help="only the per-combination figure")
    options = parser.parse_args()
    report: dict[str, Any] = {"benchmark": "shipyard matrix"}
    with tempfile.TemporaryDirectory() as scratch:
        single_workdir = Path(scratch) / "single"
        run_matrix(single_workdir, "--only", "defaults", "--jobs", "1")  # fills the uv and mypy caches
        # Alternating, so a slower minute on the machine does not land on one side only.
        timings: dict[str, list[float]] = {"in_order": [], "side_by_side": []}
        steps: list[Any] = []
        for _ in range(options.rounds):
            for mode, extra in (("in_order", ("--checks-in-order",)), ("side_by_side", ())):
                seconds, single = run_matrix(single_workdir, "--only", "defaults", "--jobs", "1", *extra)
                timings[mode].append(round(seconds, 1))
                if mode == "side_by_side":
                    steps = single["combinations"][0]["steps"]
        best = min(timings["side_by_side"])
        report["one_combination"] = {
            "seconds": best,
            "in_order_seconds": timings["in_order"],
            "side_by_side_seconds": timings["side_by_side"],
            "steps": steps,
            "goal_seconds": PER_COMBINATION_GOAL_SECONDS,
            "met": best <= PER_COMBINATION_GOAL_SECONDS,
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
