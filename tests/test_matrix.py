"""The matrix plan: axes from copier.yml, pairwise covers every pair, refused combinations stay out."""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from copier import run_copy
from typer.testing import CliRunner

from shipyard.cli import app
from shipyard.matrix.plan import Axis, Plan, axes_from_questions, plan, refusal_checker
from shipyard.questions import question_specs

REPO_ROOT = Path(__file__).resolve().parents[1]
UNSUPPORTED = [
    pytest.param(
        {"monitoring": True, "metrics": False}, "monitoring needs metrics", id="monitoring-without-metrics"
    ),
    pytest.param(
        {"backups": True, "database": "sqlite"}, "backups needs database=postgresql", id="backups-on-sqlite"
    ),
]


@pytest.fixture(scope="module")
def specs() -> dict[str, Any]:
    return question_specs(REPO_ROOT)


def pairs(combination: dict[str, Any], axes: list[Axis]) -> set[tuple[str, Any, str, Any]]:
    return {
        (a.name, combination[a.name], b.name, combination[b.name]) for a, b in itertools.combinations(axes, 2)
    }


def accepted_product(specs: dict[str, Any]) -> list[dict[str, Any]]:
    axes = axes_from_questions(specs)
    refusal = refusal_checker(specs)
    every = (
        dict(zip([a.name for a in axes], values, strict=True))
        for values in itertools.product(*(a.values for a in axes))
    )
    return [combination for combination in every if refusal(combination) is None]


def test_axes_are_the_questions_with_choices_or_bool(specs: dict[str, Any]) -> None:
    names = [axis.name for axis in axes_from_questions(specs)]

    assert names == [
        "python_version",
        "database",
        "cache",
        "rate_limit",
        "auth",
        "metrics",
        "tracing",
        "resilience",
        "monitoring",
        "jobs",
        "kubernetes",
        "backups",
        "ci",
    ]
    assert "project_name" not in names  # free text is not an axis


def uncovered_pairs(specs: dict[str, Any], planned: Plan) -> set[tuple[str, Any, str, Any]]:
    """Pairs of values that some accepted combination has but no planned combination does."""
    reachable = set().union(*(pairs(c, planned.axes) for c in accepted_product(specs)))
    covered = set().union(*(pairs(c, planned.axes) for c in planned.combinations))
    return reachable - covered


def test_pairwise_covers_every_pair_copier_accepts(specs: dict[str, Any]) -> None:
    planned = plan("pairwise", specs)

    assert uncovered_pairs(specs, planned) == set()
    # A covering array, not the product: far fewer rows than the accepted combinations.
    assert len(planned.combinations) < len(accepted_product(specs)) / 50


def is_feature(axis: Axis) -> bool:
    return any(value in (False, "none") for value in axis.values)


def test_pairwise_includes_defaults_all_on_and_all_off(specs: dict[str, Any]) -> None:
    planned = plan("pairwise", specs)
    defaults = {axis.name: axis.default for axis in planned.axes}
    features = [axis for axis in planned.axes if is_feature(axis)]

    assert defaults in planned.combinations
    assert any(all(c[a.name] in (False, "none") for a in features) for c in planned.combinations)
    assert any(all(c[a.name] not in (False, "none") for a in features) for c in planned.combinations)


def test_each_has_the_defaults_and_each_value_alone(specs: dict[str, Any]) -> None:
    planned = plan("each", specs)
    defaults = {axis.name: axis.default for axis in planned.axes}

    assert planned.combinations[0] == defaults
    for axis in planned.axes:
        for value in axis.values:
            alone = {**defaults, axis.name: value}
            assert alone in planned.combinations or _listed_unsupported(planned, alone)
    assert len(planned.combinations) == 1 + sum(len(a.values) - 1 for a in planned.axes) - len(
        planned.unsupported
    )


def _listed_unsupported(planned: Plan, combination: dict[str, Any]) -> bool:
    return any(candidate == combination for candidate, _ in planned.unsupported)


@pytest.mark.parametrize("strategy", ["each", "pairwise", "all"])
def test_no_planned_combination_is_refused_by_copier_yml(strategy: str, specs: dict[str, Any]) -> None:
    refusal = refusal_checker(specs)
    planned = plan(strategy, specs)

    assert [c for c in planned.combinations if refusal(c)] == []
    assert len({json.dumps(c, sort_keys=True) for c in planned.combinations}) == len(planned.combinations)


@pytest.mark.parametrize(("answers", "message"), UNSUPPORTED)
def test_unsupported_combination_is_refused_when_answered(
    answers: dict[str, Any], message: str, template_snapshot: Path, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match=message):
        run_copy(
            str(template_snapshot),
            tmp_path / "service",
            data=answers,
            defaults=True,
            unsafe=True,
            pretend=True,
            quiet=True,
        )
    assert refusal_checker(question_specs(template_snapshot))(
        {**{a.name: a.default for a in axes_from_questions(question_specs(template_snapshot))}, **answers}
    )


def test_a_new_question_joins_the_matrix_with_no_other_edit(template_snapshot: Path, tmp_path: Path) -> None:
    template = tmp_path / "template"
    shutil.copytree(template_snapshot, template)
    with (template / "copier.yml").open("a", encoding="utf-8") as config:
        config.write("\naudit_log:\n  type: bool\n  help: Keep an audit log\n  default: false\n")
    specs = question_specs(template)

    planned = plan("pairwise", specs)

    assert "audit_log" in [axis.name for axis in planned.axes]
    assert uncovered_pairs(specs, planned) == set()


def test_unknown_strategy_is_one_clear_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["matrix", "--strategy", "random", "--list"])

    assert result.exit_code == 2
    assert "unknown strategy 'random': choose one of each, pairwise, all" in result.stderr


def test_list_json_names_every_combination_with_full_answers(
    runner: CliRunner, specs: dict[str, Any]
) -> None:
    result = runner.invoke(app, ["matrix", "--list", "--format", "json", "--toggles"])

    listing = json.loads(result.stdout)
    axis_names = {axis.name for axis in axes_from_questions(specs)}
    ids = [entry["id"] for entry in listing]
    assert result.exit_code == 0
    assert len(ids) == len(set(ids))
    assert all(set(entry["answers"]) == axis_names for entry in listing)
    assert "defaults" in ids
    toggles = {entry["id"]: entry for entry in listing if entry["id"].startswith("toggle:")}
    assert set(toggles) == {
        "toggle:cache=redis",
        "toggle:rate_limit=memory",
        "toggle:auth=local",
        "toggle:metrics",
        "toggle:tracing",
        "toggle:resilience",
        "toggle:monitoring",
        "toggle:jobs=redis",
        "toggle:kubernetes=kustomize",
        "toggle:backups",
        "toggle:ci=github",
    }
    assert toggles["toggle:metrics"]["start_answers"]["metrics"] is False
    assert toggles["toggle:metrics"]["answers"]["metrics"] is True
    # monitoring needs metrics, so it is toggled with everything else on
    assert toggles["toggle:monitoring"]["start_answers"]["metrics"] is True


def test_unknown_only_id_lists_the_known_ones(runner: CliRunner) -> None:
    result = runner.invoke(app, ["matrix", "--strategy", "each", "--only", "cache=memcached", "--list"])

    assert result.exit_code == 2
    assert "unknown combination cache=memcached; known: defaults," in result.stderr
