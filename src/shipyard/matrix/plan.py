"""Plans the answer combinations the matrix proves: each, pairwise (covering array) or all.

The axes come from copier.yml alone: every question with `choices` or `type: bool` is an axis, so a new
question joins the matrix with no edit here. Combinations that copier.yml refuses (a validator that
returns a message for that set of answers) are left out and listed as unsupported.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from allpairspy import AllPairs
from jinja2.sandbox import SandboxedEnvironment

STRATEGIES = ("each", "pairwise", "all")


@dataclass(frozen=True)
class Axis:
    """One question the matrix varies, with every value it can take and its default."""

    name: str
    values: tuple[Any, ...]
    default: Any


@dataclass
class Plan:
    """The combinations to run (answers that differ from the defaults) and those copier.yml refuses."""

    strategy: str
    axes: list[Axis]
    combinations: list[dict[str, Any]] = field(default_factory=list)
    unsupported: list[tuple[dict[str, Any], str]] = field(default_factory=list)


def axes_from_questions(questions: Mapping[str, Any]) -> list[Axis]:
    """Every question with choices or of type bool, in copier.yml order."""
    axes = []
    for name, spec in questions.items():
        if not isinstance(spec, Mapping):
            continue  # copier's `name: default` shorthand: a free-form answer, not an axis
        choices = spec.get("choices")
        if isinstance(choices, Mapping):
            values: tuple[Any, ...] = tuple(choices.values())
        elif isinstance(choices, list):
            values = tuple(choices)
        elif spec.get("type") == "bool":
            values = (False, True)
        else:
            continue
        axes.append(Axis(name=name, values=values, default=spec.get("default", values[0])))
    return axes


def refusal_checker(
    questions: Mapping[str, Any],
) -> Callable[[dict[str, Any]], str | None]:
    """Returns a function giving copier.yml's refusal message for a combination, or None if accepted."""
    environment = SandboxedEnvironment(extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"])
    specs = {name: spec for name, spec in questions.items() if isinstance(spec, Mapping)}
    # Defaults that are themselves templates (project_slug) never decide whether a combination is refused.
    defaults = {
        name: spec.get("default")
        for name, spec in specs.items()
        if not (isinstance(spec.get("default"), str) and "{" in spec["default"])
    }
    validators = {
        name: environment.from_string(spec["validator"])
        for name, spec in specs.items()
        if spec.get("validator")
    }

    def refusal(combination: dict[str, Any]) -> str | None:
        answers = {**defaults, **combination}
        for name, validator in validators.items():
            if name not in answers:
                continue
            message = validator.render(**answers).strip()
            if message:
                return message
        return None

    return refusal


def plan(strategy: str, questions: Mapping[str, Any]) -> Plan:
    """The combinations for a strategy. Each combination maps every axis to a value."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}: choose one of {', '.join(STRATEGIES)}")
    axes = axes_from_questions(questions)
    refusal = refusal_checker(questions)
    result = Plan(strategy=strategy, axes=axes)
    # A set of seen rows, not `in result.combinations`: "all" is over 100,000 rows, and a list
    # lookup per row made planning quadratic (minutes).
    seen: set[tuple[Any, ...]] = set()
    for combination in _candidates(strategy, axes, refusal):
        message = refusal(combination)
        row = tuple(combination[axis.name] for axis in axes)
        if message:
            result.unsupported.append((combination, message))
        elif row not in seen:
            seen.add(row)
            result.combinations.append(combination)
    return result


def combination_id(combination: Mapping[str, Any], axes: list[Axis]) -> str:
    """A short readable name: only the answers that differ from the defaults ("defaults" if none)."""
    parts = [
        f"{axis.name}={_text(combination[axis.name])}"
        for axis in axes
        if combination[axis.name] != axis.default
    ]
    return ",".join(parts) or "defaults"


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _candidates(
    strategy: str, axes: list[Axis], refusal: Callable[[dict[str, Any]], str | None]
) -> list[dict[str, Any]]:
    defaults = {axis.name: axis.default for axis in axes}
    if strategy == "all":
        return [
            dict(zip(defaults, values, strict=True))
            for values in itertools.product(*(a.values for a in axes))
        ]
    each = [defaults] + [
        {**defaults, axis.name: value} for axis in axes for value in axis.values if value != axis.default
    ]
    if strategy == "each":
        return each
    # The covering array already holds every value of every axis; `each` would only add rows.
    rows = [defaults, *extremes(axes, defaults), *_pairwise(axes, refusal)]
    return rows + _missing_pairs(rows, axes, refusal, bases=[defaults, *extremes(axes, defaults)])


def extremes(axes: list[Axis], defaults: dict[str, Any]) -> list[dict[str, Any]]:
    """All features on and all features off: the largest and the smallest render."""
    on = dict(defaults)
    off = dict(defaults)
    for axis in axes:
        if set(axis.values) == {False, True}:
            on[axis.name], off[axis.name] = True, False
        elif "none" in axis.values:
            off[axis.name] = "none"
            on[axis.name] = next(v for v in axis.values if v != "none")
    return [on, off]


def _missing_pairs(
    rows: list[dict[str, Any]],
    axes: list[Axis],
    refusal: Callable[[dict[str, Any]], str | None],
    bases: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Rows for pairs the covering array left out.

    allpairspy's filter sees partial rows, so a constraint such as "backups needs postgresql" can make
    it drop a pair that is fine in a full row; each such pair gets a row built on an accepted base.
    """
    added: list[dict[str, Any]] = []
    for first, second in itertools.combinations(axes, 2):
        for value_a, value_b in itertools.product(first.values, second.values):
            if any(row[first.name] == value_a and row[second.name] == value_b for row in rows + added):
                continue
            for base in bases:
                candidate = {**base, first.name: value_a, second.name: value_b}
                if refusal(candidate) is None:
                    added.append(candidate)
                    break
    return added


def _pairwise(axes: list[Axis], refusal: Callable[[dict[str, Any]], str | None]) -> list[dict[str, Any]]:
    if len(axes) < 2:
        return [{axes[0].name: value} for value in axes[0].values] if axes else []
    names = [axis.name for axis in axes]

    def accepted(row: list[Any]) -> bool:
        # allpairspy passes partial rows; judge them with the defaults standing in for the rest.
        partial = dict(zip(names, row, strict=False))
        filled = {axis.name: partial.get(axis.name, axis.default) for axis in axes}
        return refusal(filled) is None

    parameters = OrderedDict((axis.name, list(axis.values)) for axis in axes)
    return [dict(zip(names, row, strict=True)) for row in AllPairs(parameters, filter_func=accepted)]
