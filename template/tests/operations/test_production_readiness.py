"""PRODUCTION-READINESS.md claims tests as proof: every test it names must exist and be collected.

docs/readiness.json holds the same rows as the Markdown file. A renamed or deleted test, or one a
marker or import error keeps pytest from collecting, fails here with the item that claimed it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import COLLECTED_TEST_IDS
from tests.support.database import PROJECT_ROOT

READINESS = PROJECT_ROOT / "docs" / "readiness.json"
REPORT = PROJECT_ROOT / "PRODUCTION-READINESS.md"
COLLECT_SECONDS = 120


def rows() -> list[dict[str, Any]]:
    seeds: list[dict[str, Any]] = json.loads(READINESS.read_text(encoding="utf-8"))
    return [item for seed in seeds for group in seed["groups"] for item in group["items"]]


def collected_test_ids(config: pytest.Config) -> set[str]:
    """Node ids pytest collects in this project, parameters stripped (test[x] -> test).

    A run of the whole suite already collected them all (tests/conftest.py keeps them); any other
    run (one file, --ignore...) collects the suite again in a subprocess, about 5 s.
    """
    node_ids = config.stash.get(COLLECTED_TEST_IDS, None)
    if node_ids is None:
        node_ids = frozenset(_collect_in_a_subprocess())
    return {node_id.split("[", 1)[0] for node_id in node_ids}


def _collect_in_a_subprocess() -> list[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "--no-cov",
            "-p",
            "no:cacheprovider",
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=COLLECT_SECONDS,
        check=False,
    )
    assert result.returncode == 0, f"collection failed:\n{result.stdout[-3000:]}{result.stderr}"
    return [line for line in result.stdout.splitlines() if "::" in line]


def test_every_test_claimed_as_proof_is_collected(pytestconfig: pytest.Config) -> None:
    collected = collected_test_ids(pytestconfig)
    missing = [
        f"{item['id']} {item['text']}: {test}"
        for item in rows()
        if item["state"] == "done"
        for test in item["tests"]
        if test not in collected
    ]
    assert missing == [], (
        "PRODUCTION-READINESS.md claims tests that are not collected:\n" + "\n".join(missing)
    )


def test_every_row_has_its_proof_answer_or_reason() -> None:
    for item in rows():
        needed = {"done": "tests", "available": "answer", "out of scope": "reason"}[item["state"]]
        assert item[needed], f"{item['id']} is {item['state']} without its {needed}"


def test_the_report_shows_every_row() -> None:
    report = REPORT.read_text(encoding="utf-8")
    for item in rows():
        assert f"| {item['id']} {item['text']} | {item['state']} |" in report
