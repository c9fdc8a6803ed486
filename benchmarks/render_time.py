"""Benchmark: wall time of `shipyard new --defaults` (median of 5 runs; goal <= 0.8 s).

Measured two ways, as users run it: from a wheel installed in its own venv (the bundled template,
no git), and from this checkout (copier clones the git checkout to record the template commit).
Bytecode writing is left on (as on a user's machine) and one untimed run warms it up.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import BIN, REPO_ROOT, median, run, write_report

GOAL_SECONDS = 0.8
RUNS = 5


def time_command(shipyard: Path, scratch: Path) -> list[float]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    timings = []
    for run_index in range(RUNS + 1):
        dest = scratch / f"{shipyard.parent.parent.name}-{run_index}"
        started = time.perf_counter()
        subprocess.run(
            [str(shipyard), "new", str(dest), "--defaults", "--quiet"],
            env=env,
            check=True,
            capture_output=True,
        )
        if run_index:  # the first run writes bytecode and is not counted
            timings.append(time.perf_counter() - started)
    return timings


def installed_wheel(scratch: Path) -> Path:
    """Build shipyard's wheel and install it into a fresh venv; returns that venv's `shipyard`."""
    run([str(BIN / "uv"), "build", "--wheel", "--quiet", "--out-dir", str(scratch / "dist"), str(REPO_ROOT)])
    wheel = next((scratch / "dist").glob("shipyard-*.whl"))
    venv = scratch / "wheel-venv"
    run([str(BIN / "uv"), "venv", "--quiet", str(venv)])
    run([str(BIN / "uv"), "pip", "install", "--quiet", "--python", str(venv / "bin/python"), str(wheel)])
    return venv / "bin" / "shipyard"


def main() -> None:
    report: dict[str, object] = {"benchmark": "shipyard new --defaults, whole command incl. process start"}
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        for mode, shipyard in (("installed_wheel", installed_wheel(scratch)), ("checkout", BIN / "shipyard")):
            timings = time_command(shipyard, scratch)
            report[mode] = {
                "runs_seconds": [round(t, 3) for t in timings],
                "median_seconds": median(timings),
                "met": median(timings) <= GOAL_SECONDS,
            }
    report["goal_seconds"] = GOAL_SECONDS
    write_report("render_time", report)


if __name__ == "__main__":
    main()
