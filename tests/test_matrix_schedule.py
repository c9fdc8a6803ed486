"""The matrix starts its longest scenarios first and still reports them in the order given."""

from __future__ import annotations

from pathlib import Path

import pytest

from shipyard.matrix import run
from shipyard.matrix.run import Combination, CombinationResult, MatrixSettings, run_matrix


def test_full_suites_and_updates_start_first_results_keep_the_given_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[str] = []

    def record(combination: Combination, settings: MatrixSettings) -> CombinationResult:
        started.append(combination.id)
        return CombinationResult(combination)

    monkeypatch.setattr(run, "run_combination", record)
    combinations = [
        Combination("quick", {"cache": "none"}, fault_tests=False),
        Combination("update", {"cache": "redis"}, update_from="v1", fault_tests=False),
        Combination("full", {"cache": "redis", "metrics": True}),
    ]
    settings = MatrixSettings(template=str(tmp_path), template_dir=tmp_path, workdir=tmp_path)
    results = run_matrix(combinations, settings, jobs=1)
    assert started == ["full", "update", "quick"]
    assert [result.combination.id for result in results] == ["quick", "update", "full"]
