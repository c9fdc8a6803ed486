"""This repository's own GitHub Actions workflow is valid and fans out the matrix the CLI plans."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

WORKFLOW = Path(__file__).resolve().parents[1] / ".github" / "workflows" / "matrix.yml"
TOOLS = Path(sys.executable).parent


def test_workflow_passes_schema_and_actionlint() -> None:
    for command in (
        [str(TOOLS / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
        [str(TOOLS / "actionlint"), str(WORKFLOW)],
    ):
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        assert completed.returncode == 0, completed.stdout + completed.stderr


def test_each_matrix_job_runs_one_planned_combination() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    plan_script = "\n".join(step.get("run", "") for step in workflow["jobs"]["plan"]["steps"])
    combination = workflow["jobs"]["combination"]
    run_script = "\n".join(step.get("run", "") for step in combination["steps"])

    assert "shipyard matrix --list --format json --toggles" in plan_script
    assert combination["strategy"]["matrix"]["id"] == "${{ fromJSON(needs.plan.outputs.ids) }}"
    assert 'shipyard matrix --toggles --only "${{ matrix.id }}"' in run_script
    assert combination["strategy"]["fail-fast"] is False
