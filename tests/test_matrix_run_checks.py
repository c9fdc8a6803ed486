"""How the matrix runs one combination's checks: side by side when cores are spare, else in order."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from shipyard.matrix import run as matrix_run
from shipyard.matrix.run import Combination, MatrixSettings, StepOutcome, _run_tasks


def _task(
    name: str, events: list[str], barrier: threading.Barrier | None = None
) -> Callable[[], StepOutcome]:
    def task() -> StepOutcome:
        events.append(f"start {name}")
        if barrier is not None:
            barrier.wait()  # only returns once the other task is running too
        events.append(f"end {name}")
        return StepOutcome(name, "passed", 0.0)

    return task


def test_side_by_side_checks_overlap_start_the_suite_first_and_report_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    events: list[str] = []
    both_running = threading.Barrier(2, timeout=10)
    tasks = [
        ("yamllint", _task("yamllint", events, both_running)),
        ("pytest", _task("pytest", events, both_running)),
    ]

    outcomes = _run_tasks(tasks, side_by_side=True)

    assert [outcome.name for outcome in outcomes] == ["yamllint", "pytest"]
    assert events[0] == "start pytest"
    assert events.index("start yamllint") < events.index("end pytest")


def test_checks_in_order_run_one_after_another() -> None:
    events: list[str] = []
    tasks = [(name, _task(name, events)) for name in ("ruff check", "mypy", "pytest")]

    outcomes = _run_tasks(tasks, side_by_side=False)

    assert [outcome.name for outcome in outcomes] == ["ruff check", "mypy", "pytest"]
    assert events == [
        f"{edge} {name}" for name in ("ruff check", "mypy", "pytest") for edge in ("start", "end")
    ]


@pytest.fixture
def side_by_side_seen(monkeypatch: pytest.MonkeyPatch) -> list[bool | None]:
    """On a 2-core machine, what each combination's run was told about side-by-side checks."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    seen: list[bool | None] = []

    def record(combination: Combination, settings: MatrixSettings) -> matrix_run.CombinationResult:
        seen.append(settings.checks_side_by_side)
        return matrix_run.CombinationResult(combination)

    monkeypatch.setattr(matrix_run, "run_combination", record)
    return seen


@pytest.mark.parametrize(
    ("jobs", "combinations", "side_by_side"), [(1, 1, True), (2, 1, True), (2, 5, False)]
)
def test_checks_go_side_by_side_only_while_fewer_combinations_run_than_there_are_cores(
    side_by_side_seen: list[bool | None], tmp_path: Path, jobs: int, combinations: int, side_by_side: bool
) -> None:
    settings = MatrixSettings(template="unused", template_dir=tmp_path, workdir=tmp_path / "work")
    rows = [Combination(f"row-{index}", {}) for index in range(combinations)]

    matrix_run.run_matrix(rows, settings, jobs)

    assert side_by_side_seen == [side_by_side] * combinations


def test_checks_in_order_when_asked_even_with_cores_spare(
    side_by_side_seen: list[bool | None], tmp_path: Path
) -> None:
    settings = MatrixSettings(
        template="unused", template_dir=tmp_path, workdir=tmp_path / "work", checks_side_by_side=False
    )

    matrix_run.run_matrix([Combination("defaults", {})], settings, 1)

    assert side_by_side_seen == [False]
