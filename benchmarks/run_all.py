"""Runs every benchmark in turn; each prints its JSON report and saves it under benchmarks/results/."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

# matrix.py is left out: its full pairwise run takes most of twenty minutes; run it on its own.
SCRIPTS = (
    "render_time",
    "fresh_venv_tests",
    "startup_time",
    "throughput",
    "servers",
    "server_faults",
    "cache_rate_limit",
    "observability",
    "feature_cost",
    "resilience",
    "auth_tokens",
)

if __name__ == "__main__":
    here = Path(__file__).parent
    for name in SCRIPTS:
        print(f"== {name}", file=sys.stderr, flush=True)
        sys.argv = [name]
        runpy.run_path(str(here / f"{name}.py"), run_name="__main__")
