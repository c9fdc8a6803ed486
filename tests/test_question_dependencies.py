"""A question that depends on another is asked only when it applies, so prompts never reach a refusal.

Copier validates typed-in text while prompting, but never a yes/no or a pick from a list (questionary's
confirm and select prompts take no validator): for those, `when:` is the only guard a user answering
interactively has, and the validator is the second line of defence for --data and --defaults.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shipyard.answer_rules import is_asked, referenced_questions, refusal
from shipyard.matrix.plan import axes_from_questions, plan
from shipyard.questions import question_specs

REPO_ROOT = Path(__file__).resolve().parents[1]
SPECS = question_specs(REPO_ROOT)
AXES = {axis.name: axis.values for axis in axes_from_questions(SPECS)}
# Questions copier prompts for without a validator: a bool (confirm) or one with choices (select).
UNVALIDATED_PROMPTS = [name for name in SPECS if name in AXES and SPECS[name].get("validator")]


def contexts(dependencies: set[str]) -> Iterator[dict[str, Any]]:
    """Every combination of the dependencies' values, over the others' defaults."""
    defaults = {name: spec.get("default") for name, spec in SPECS.items()}
    names = sorted(dependencies)
    for values in itertools.product(*(AXES[name] for name in names)):
        yield {**defaults, **dict(zip(names, values, strict=True))}


def test_the_dependent_questions_are_the_two_known_ones() -> None:
    # Guards the class-wide tests below against silently checking nothing.
    assert UNVALIDATED_PROMPTS == ["monitoring", "backups"]


@pytest.mark.parametrize("name", UNVALIDATED_PROMPTS)
def test_dependencies_are_finite_and_asked_first(name: str) -> None:
    dependencies = referenced_questions(name, SPECS[name], SPECS)
    order = list(SPECS)

    assert dependencies, f"{name}: a validator on a yes/no or a choice can only refuse by other answers"
    for dependency in dependencies:
        assert dependency in AXES, f"{name} depends on {dependency}, which has no finite set of answers"
        assert order.index(dependency) < order.index(name), f"{dependency} must be asked before {name}"


@pytest.mark.parametrize("name", UNVALIDATED_PROMPTS)
def test_a_refusable_question_is_not_asked_and_its_default_is_accepted(name: str) -> None:
    spec = SPECS[name]
    checked = 0
    for context in contexts(referenced_questions(name, spec, SPECS)):
        refused = [value for value in AXES[name] if refusal(spec, {**context, name: value})]
        if refused:
            assert not is_asked(spec, context), (
                f"{name} is asked when {context_text(name, context)} although {refused} would be refused"
            )
            checked += 1
        if not is_asked(spec, context):
            # Copier uses the default, unvalidated, when `when:` is false: it must be an accepted one.
            default = spec.get("default")
            assert refusal(spec, {**context, name: default}) is None, (
                f"{name} is skipped when {context_text(name, context)}, but its default {default!r}"
                " is refused"
            )
    assert checked, f"no context refuses any answer to {name}: the test above proved nothing"


@pytest.mark.parametrize("name", UNVALIDATED_PROMPTS)
def test_a_question_is_asked_wherever_every_answer_is_accepted(name: str) -> None:
    # `when:` must not hide a question more often than needed (e.g. `when: false`).
    spec = SPECS[name]
    for context in contexts(referenced_questions(name, spec, SPECS)):
        if not any(refusal(spec, {**context, name: value}) for value in AXES[name]):
            assert is_asked(spec, context), f"{name} is not asked when {context_text(name, context)}"


@pytest.mark.parametrize("strategy", ["each", "pairwise"])
def test_matrix_combinations_give_a_skipped_question_its_default(strategy: str) -> None:
    planned = plan(strategy, SPECS)

    assert planned.combinations
    for combination in planned.combinations:
        for name, spec in SPECS.items():
            if name in combination and not is_asked(spec, combination):
                assert combination[name] == spec.get("default"), (name, combination)


def context_text(name: str, context: dict[str, Any]) -> str:
    return ", ".join(
        f"{key}={context[key]}" for key in sorted(referenced_questions(name, SPECS[name], SPECS))
    )
