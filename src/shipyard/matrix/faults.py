"""Which matrix scenarios run the generated suite's fault tests, and which leave them out.

Tests marked `@pytest.mark.fault` start real server processes or throwaway servers and kill, freeze
or cut them; in an all-on render they take about two thirds of the generated suite's time. They
prove how the service behaves when something breaks, which depends on the features present, not on
every pairing of them, so the matrix runs them in a covering subset of scenarios only:

- the everything-on and the everything-off combination (the largest and the smallest render);
- then the cheapest set of further combinations in which every value of every axis appears in at
  least one scenario that runs the full suite. A combination's cost is counted as one plus the
  answers it changes from the defaults, since each feature brings its own fault tests: with every
  feature on, the full generated suite took 408 s; with only Python 3.13 and kustomize, 88 s.
  Picking the rows that uncover the most values instead chose three rows heavy with features (one
  of them everything-on again): 1042 s of scenario time against 584 s for the four rows chosen now,
  side by side on a 2-core machine. Sets of up to four are searched exhaustively (a few thousand
  unions); beyond that, a greedy pick.

Every other scenario (the rest of the pairwise rows and the feature toggles) runs
`pytest -m "not fault" --no-cov`. Coverage is measured, and its threshold enforced, only where the
whole suite runs: a suite without its fault tests misses the lines only they reach (the server's
signal handling, outage paths), so its percentage would say nothing about the project a user gets.
The rule reads only the axes, so a new question needs no edit here (tests/test_matrix.py).
"""

from __future__ import annotations

import itertools
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
    candidates = {
        index: _values(combination.answers)
        for index, combination in enumerate(combinations)
        if index not in chosen and _is_plain_or_update(combination)
    }
    costs = {index: 1 + _changed_answers(combinations[index].answers, defaults) for index in candidates}
    chosen |= _cheapest_cover(wanted - covered, candidates, costs)
    return [
        replace(combination, fault_tests=index in chosen) for index, combination in enumerate(combinations)
    ]


EXHAUSTIVE_UP_TO = 4


def _cheapest_cover(
    missing: set[tuple[str, str]], candidates: dict[int, set[tuple[str, str]]], costs: dict[int, int]
) -> set[int]:
    """Indexes of candidates that together hold every value in `missing`, at the lowest total cost."""
    # What no candidate holds cannot be covered; the rest still must be.
    missing = missing & set().union(*candidates.values())
    if not missing:
        return set()
    useful = [index for index, values in candidates.items() if values & missing]
    best: tuple[int, tuple[int, ...]] | None = None
    for size in range(1, EXHAUSTIVE_UP_TO + 1):
        for group in itertools.combinations(useful, size):
            if missing <= set().union(*(candidates[index] for index in group)):
                total = sum(costs[index] for index in group)
                if best is None or total < best[0]:
                    best = (total, group)
    if best is not None:
        return set(best[1])
    chosen: set[int] = set()
    while missing:  # greedy: the most uncovered values per unit of cost
        pick = max(useful, key=lambda index: len(candidates[index] & missing) / costs[index])
        chosen.add(pick)
        missing -= candidates[pick]
    return chosen


def _changed_answers(answers: Mapping[str, Any], defaults: Mapping[str, Any]) -> int:
    return sum(1 for name, value in answers.items() if _key(value) != _key(defaults.get(name)))


def _is_plain_or_update(combination: Combination) -> bool:
    # A toggle scenario starts from other answers and switches one feature; it proves the update,
    # and its feature's fault tests run in the everything-on combination.
    return combination.start_answers is None


def _values(answers: Mapping[str, Any]) -> set[tuple[str, str]]:
    return {(name, _key(value)) for name, value in answers.items()}


def _key(value: Any) -> str:
    # True and 1 compare equal in Python; keep a bool and a choice apart.
    return f"{type(value).__name__}:{value}"
