"""Benchmark: wall time of a render with every feature on, against a one-file Copier template.

Goal: `shipyard new --preset production --defaults` (every feature on) takes <= 0.8 s, or <= 2x the
render of a one-file Copier template (`copier copy` of one question and one file) on the same machine.
The runs are interleaved (one-file, wheel, checkout, one-file, ...) so a machine shared with other
work slows all of them alike; the ratio to the one-file template is the figure to compare across runs.
Measured as users run it, whole command including process start: from a wheel installed in its own
venv (the bundled template, no git), and from this checkout (copier clones the git checkout to record
the template commit). Bytecode writing is left on (as on a user's machine); one untimed round warms it.
With --before DIR (a checkout of an earlier revision), that checkout's wheel (its CLI and its
template) is built and installed too and rendered in the same rounds, for a before/after measured
side by side.
Usage: python benchmarks/render_time.py [--runs 5] [--before DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import BIN, REPO_ROOT, median, run, write_report

GOAL_SECONDS = 0.8
GOAL_RATIO = 2.0


def timed(command: list[str]) -> float:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def one_file_template(scratch: Path) -> Path:
    """The smallest Copier template worth the name: one question, one templated file."""
    template = scratch / "one-file-template"
    template.mkdir()
    (template / "copier.yml").write_text("project_name:\n  type: str\n  default: demo\n", encoding="utf-8")
    (template / "README.md.jinja").write_text("# {{ project_name }}\n", encoding="utf-8")
    return template


def installed_wheel(scratch: Path, checkout: Path = REPO_ROOT, name: str = "wheel") -> Path:
    """Build a checkout's wheel and install it into a fresh venv; returns that venv's `shipyard`."""
    dist = scratch / f"{name}-dist"
    run([str(BIN / "uv"), "build", "--wheel", "--quiet", "--out-dir", str(dist), str(checkout)])
    wheel = next(dist.glob("shipyard-*.whl"))
    venv = scratch / f"{name}-venv"
    run([str(BIN / "uv"), "venv", "--quiet", str(venv)])
    run([str(BIN / "uv"), "pip", "install", "--quiet", "--python", str(venv / "bin/python"), str(wheel)])
    return venv / "bin" / "shipyard"


def commands(scratch: Path, before: Path | None) -> dict[str, Callable[[Path], list[str]]]:
    template = one_file_template(scratch)
    wheel_shipyard = installed_wheel(scratch)
    every_feature = ["--preset", "production", "--defaults", "--quiet"]
    earlier: dict[str, Callable[[Path], list[str]]] = {}
    if before is not None:
        before_shipyard = installed_wheel(scratch, before, "before")
        earlier["installed_wheel_before"] = lambda dest: [
            str(before_shipyard),
            "new",
            str(dest),
            *every_feature,
        ]
    return {
        "one_file_copier_template": lambda dest: [
            str(BIN / "copier"),
            "copy",
            "--defaults",
            "--quiet",
            str(template),
            str(dest),
        ],
        "installed_wheel": lambda dest: [str(wheel_shipyard), "new", str(dest), *every_feature],
        "checkout": lambda dest: [str(BIN / "shipyard"), "new", str(dest), *every_feature],
        **earlier,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", type=Path, help="a checkout of an earlier revision, rendered alongside")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        modes = commands(scratch, options.before)
        timings: dict[str, list[float]] = {mode: [] for mode in modes}
        for round_index in range(options.runs + 1):
            for mode, command in modes.items():
                seconds = timed(command(scratch / f"{mode}-{round_index}"))
                if round_index:  # the first round writes bytecode and is not counted
                    timings[mode].append(seconds)
    baseline = median(timings["one_file_copier_template"])
    report: dict[str, object] = {
        "benchmark": "render, whole command incl. process start; shipyard with --preset production",
        "runs": options.runs,
    }
    for mode, values in timings.items():
        entry: dict[str, object] = {
            "runs_seconds": [round(t, 3) for t in values],
            "median_seconds": median(values),
        }
        if mode != "one_file_copier_template":
            ratio = round(median(values) / baseline, 2)
            entry["ratio_to_one_file_template"] = ratio
            entry["met"] = median(values) <= GOAL_SECONDS or ratio <= GOAL_RATIO
        report[mode] = entry
    report["goal"] = f"<= {GOAL_SECONDS} s or <= {GOAL_RATIO}x the one-file template"
    write_report("render_time", report)


if __name__ == "__main__":
    main()
