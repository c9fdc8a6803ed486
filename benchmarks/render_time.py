"""Benchmark: wall time of `shipyard new --defaults` (median of 5 runs; goal <= 0.8 s)."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import median, render, write_report  # noqa: E402

GOAL_SECONDS = 0.8
RUNS = 5


def main() -> None:
    timings = []
    with tempfile.TemporaryDirectory() as scratch:
        for run_index in range(RUNS):
            started = time.perf_counter()
            render(Path(scratch) / f"render-{run_index}")
            timings.append(time.perf_counter() - started)
    result = median(timings)
    write_report(
        "render_time",
        {
            "benchmark": "shipyard new --defaults (whole command, process start included)",
            "runs_seconds": [round(t, 3) for t in timings],
            "median_seconds": result,
            "goal_seconds": GOAL_SECONDS,
            "met": result <= GOAL_SECONDS,
        },
    )


if __name__ == "__main__":
    main()
