"""Which scenarios run the generated fault tests: a covering subset, chosen from the axes alone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from shipyard.cli import app
from shipyard.matrix import scenarios
from shipyard.matrix.faults import _cheapest_cover, assign_fault_tests
from shipyard.matrix.plan import Axis, extremes, plan, refusal_checker
from shipyard.matrix.run import WITHOUT_FAULT_TESTS, Combination
from shipyard.questions import question_specs
from shipyard.verify import verification_steps

REPO_ROOT = Path(__file__).resolve().parents[1]


def ci_scenarios(specs: dict[str, Any]) -> tuple[list[Combination], list[Axis]]:
    """What `shipyard matrix --toggles` runs (.ci/run: the same without the toggles), with the
    fault rule applied."""
    planned = plan("pairwise", specs)
    combinations = scenarios.updates(planned, "v0") + scenarios.toggles(planned, refusal_checker(specs))
    return assign_fault_tests(combinations, planned.axes), planned.axes


def uncovered_values(combinations: list[Combination], axes: list[Axis]) -> list[tuple[str, Any]]:
    full = [c.answers for c in combinations if c.fault_tests]
    return [
        (axis.name, value)
        for axis in axes
        for value in axis.values
        if not any(
            answers[axis.name] == value and type(answers[axis.name]) is type(value) for answers in full
        )
    ]


def test_fault_tests_run_all_on_all_off_and_somewhere_with_every_value() -> None:
    combinations, axes = ci_scenarios(question_specs(REPO_ROOT))
    defaults = {axis.name: axis.default for axis in axes}
    full = [c for c in combinations if c.fault_tests]

    for anchor in extremes(axes, defaults):
        assert any(c.answers == anchor for c in full), f"no full suite for {anchor}"
    assert uncovered_values(combinations, axes) == []
    # Toggles prove the update; their feature's fault tests run with everything on.
    assert not any(c.id.startswith("toggle:") for c in full)
    # The point of the rule: most scenarios leave the slow tests out.
    assert len(full) <= len(combinations) / 3


def test_a_new_question_is_covered_with_no_other_edit(template_snapshot: Path, tmp_path: Path) -> None:
    template = tmp_path / "template"
    shutil.copytree(template_snapshot, template)
    with (template / "copier.yml").open("a", encoding="utf-8") as config:
        config.write(
            "\nqueue:\n  type: str\n  help: Job queue\n  choices: [none, redis, rabbitmq, nats]\n"
            "  default: none\n"
            "\naudit_log:\n  type: bool\n  help: Keep an audit log\n  default: false\n"
        )

    combinations, axes = ci_scenarios(question_specs(template))

    assert {"queue", "audit_log"} <= {axis.name for axis in axes}
    assert uncovered_values(combinations, axes) == []


def test_scenarios_without_fault_tests_skip_them_and_coverage() -> None:
    pytest_step = verification_steps(WITHOUT_FAULT_TESTS)[-1]
    plain_step = verification_steps()[-1]

    assert pytest_step.command[-3:] == ("-m", "not fault", "--no-cov")
    assert plain_step.command[-1] == "pytest"  # `shipyard check` and `make test` run everything


def test_list_says_which_suite_each_combination_runs_and_all_tests_runs_it_everywhere(
    runner: CliRunner,
) -> None:
    listed = json.loads(runner.invoke(app, ["matrix", "--list", "--format", "json", "--toggles"]).stdout)
    everywhere = json.loads(
        runner.invoke(app, ["matrix", "--list", "--format", "json", "--toggles", "--all-tests"]).stdout
    )
    alone = runner.invoke(app, ["matrix", "--list", "--toggles", "--only", "defaults"])

    assert 0 < sum(entry["fault_tests"] for entry in listed) < len(listed)
    assert all(entry["fault_tests"] for entry in everywhere)
    # --only keeps the choice made for the whole matrix.
    by_id = {entry["id"]: entry["fault_tests"] for entry in listed}
    assert ("not fault" in alone.stdout) is (not by_id["defaults"])


def test_the_generated_suite_marks_its_process_tests_as_fault() -> None:
    tests = REPO_ROOT / "template" / "tests"
    # Every module that boots the service or a throwaway server marks the tests that do.
    starters = ("LiveServer", "live_servers(", "ServerProcess(", "TcpProxy(", "throwaway_redis")
    unmarked = [
        path.relative_to(tests).as_posix()
        for path in sorted(tests.rglob("test_*"))
        if any(s in path.read_text(encoding="utf-8") for s in starters)
        and "@pytest.mark.fault" not in path.read_text(encoding="utf-8")
    ]
    assert unmarked == []


def test_a_cover_needing_more_rows_than_the_exhaustive_search_still_holds_every_value() -> None:
    # Five values, each in a row of its own (plus a decoy holding none): past the exhaustive
    # search's four rows, so the greedy pick must still cover them all, and skip the decoy.
    values = [("axis", f"str:{letter}") for letter in "abcde"]
    candidates = {index: {value} for index, value in enumerate(values)} | {9: {("axis", "str:z")}}
    costs = dict.fromkeys(candidates, 1)

    chosen = _cheapest_cover(set(values), candidates, costs)

    assert chosen == {0, 1, 2, 3, 4}
