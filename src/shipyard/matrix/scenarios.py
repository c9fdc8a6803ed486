"""Turns a matrix plan into the combinations to run: plain renders, updates, and feature toggles."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from shipyard.matrix.plan import Axis, Plan, combination_id
from shipyard.matrix.run import Combination

OFF_VALUES = (False, "none")


def plain(plan: Plan) -> list[Combination]:
    return [Combination(combination_id(answers, plan.axes), dict(answers)) for answers in plan.combinations]


def updates(plan: Plan, from_ref: str) -> list[Combination]:
    """Each combination rendered at `from_ref`, edited, then updated to the template's HEAD."""
    return [
        Combination(f"update:{combination_id(answers, plan.axes)}", dict(answers), update_from=from_ref)
        for answers in plan.combinations
    ]


def toggles(plan: Plan, refusal: Callable[[dict[str, Any]], str | None]) -> list[Combination]:
    """For every feature (a bool, or a choice with `none`): switch it on, then off, with `copier update`.

    One scenario per feature: render with it off, edit, update it on (compared with a fresh render,
    then every check), then update it off again (compared with a fresh render). The feature is
    toggled from the defaults when copier.yml accepts that; a feature that needs another (monitoring
    needs metrics) is toggled with every feature on instead.
    """
    defaults = {axis.name: axis.default for axis in plan.axes}
    everything_on = {axis.name: _on_value(axis) if _is_feature(axis) else axis.default for axis in plan.axes}
    found = []
    for axis in plan.axes:
        if not _is_feature(axis):
            continue
        off_value = next(value for value in axis.values if value in OFF_VALUES)
        for base in (defaults, everything_on):
            on = {**base, axis.name: _on_value(axis)}
            off = {**base, axis.name: off_value}
            if refusal(on) is None and refusal(off) is None:
                break
        else:
            continue  # no context in which copier.yml accepts both; the plan lists it as unsupported
        label = _label(axis.name, on[axis.name])
        found.append(
            Combination(f"toggle:{label}", on, update_from="HEAD", start_answers=off, toggle_back=True)
        )
    return found


def select(combinations: list[Combination], only: list[str]) -> list[Combination]:
    """The combinations named in `only` (by id); an unknown id is an error naming the known ones."""
    if not only:
        return combinations
    by_id = {combination.id: combination for combination in combinations}
    unknown = [name for name in only if name not in by_id]
    if unknown:
        raise KeyError(f"unknown combination {', '.join(unknown)}; known: {', '.join(by_id)}")
    return [by_id[name] for name in only]


def as_listing(combinations: list[Combination]) -> list[Mapping[str, Any]]:
    """What `shipyard matrix --list --format json` prints: enough for a CI job to run one combination."""
    return [
        {
            "id": combination.id,
            "answers": combination.answers,
            "update_from": combination.update_from,
            "start_answers": combination.start_answers,
            "fault_tests": combination.fault_tests,
        }
        for combination in combinations
    ]


def _is_feature(axis: Axis) -> bool:
    return any(value in OFF_VALUES for value in axis.values)


def _on_value(axis: Axis) -> Any:
    return next(value for value in axis.values if value not in OFF_VALUES)


def _label(name: str, value: Any) -> str:
    return name if value is True else f"{name}={value}"
