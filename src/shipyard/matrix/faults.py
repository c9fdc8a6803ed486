"""Which matrix scenarios run the generated suite's fault tests, and which leave them out.

Tests marked `@pytest.mark.fault` start real server processes or throwaway servers and kill, freeze
or cut them; in an all-on render they take about two thirds of the generated suite's time. They
prove how the service behaves when something breaks, which depends on the features present, not on
every pairing of them, so the matrix runs them in a covering subset of scenarios only:

- the everything-on and the everything-off combination (the largest and the smallest render);
- then, picked in plan order (most still-uncovered values first), combinations until every value of
  every axis has appeared in at least one scenario that runs the full suite.

Every other scenario (the rest of the pairwise rows and the feature toggles) runs
`pytest -m "not fault" --no-cov`. Coverage is measured, and its threshold enforced, only where the
whole suite runs: a suite without its fault tests misses the lines only they reach (the server's
signal handling, outage paths), so its percentage would say nothing about the project a user gets.
The rule reads only the axes, so a new question needs no edit here (tests/test_matrix.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from shipyard.matrix.plan import Axis, extremes
from shipyard.matrix.run import Combination


def assign_fault_tests(combinations: list[Combination], axes: list[Axis]) -> list[Combination]:
    """The same combinations, with `fault_tests` True only in the covering subset described above."""
    defaults = {axis.name: axis.default for axis in axes}
    anchors = [{**defaults, **answers} for answers in extremes(axes, defaults)]
    chosen: set[int] = set()
    for anchor in anchors:
        for index, combination in enumerate(combinations):
            if _is_plain_or_update(combination) and combination.answers == anchor:
                chosen.add(index)
                break
    covered = {value for index in chosen for value in _values(combinations[index].answers)}
    wanted = {(axis.name, _key(value)) for axis in axes for value in axis.values}
    while True:
        missing = wanted - covered
        best, gain = None, 0
        for index, combination in enumerate(combinations):
            if index in chosen or not _is_plain_or_update(combination):
                continue
            new = len(missing & _values(combination.answers))
            if new > gain:
                best, gain = index, new
        if best is None:
            break  # every value is covered, or what is left appears in no combination we run
        chosen.add(best)
        covered |= _values(combinations[best].answers)
    return [
        replace(combination, fault_tests=index in chosen) for index, combination in enumerate(combinations)
    ]


def _is_plain_or_update(combination: Combination) -> bool:
    # A toggle scenario starts from other answers and switches one feature; it proves the update,
    # and its feature's fault tests run in the everything-on combination.
    return combination.start_answers is None


def _values(answers: Mapping[str, Any]) -> set[tuple[str, str]]:
    return {(name, _key(value)) for name, value in answers.items()}


def _key(value: Any) -> str:
    # True and 1 compare equal in Python; keep a bool and a choice apart.
    return f"{type(value).__name__}:{value}"
