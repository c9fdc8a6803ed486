"""Runs matrix combinations: produce the repo, then every check and artifact validator, timing each step.

Combinations run in parallel (`jobs`), each with its own PostgreSQL database and Redis database
number, so they cannot see each other's data. A failing step's output is kept for the report.

When fewer combinations run at once than the machine has cores (one `--only` combination, say),
the checks that only read the synced project (ruff, mypy, pytest, the validators) run side by side
after `uv sync` (`--checks-in-order` turns this off). Measured with benchmarks/matrix.py on 2
cores, the defaults combination with warm uv and mypy caches, alternating: 29.0 and 29.4 s in
order, 23.2 and 24.5 s side by side; pytest (17.6 s) is then the critical path.
With as many combinations as cores (CI: `--jobs 2` on 2 cores) they run one after another as
before, so timing-sensitive fault tests never share a core with more than the other combination.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from shipyard.jinja_remnants import find_remnants
from shipyard.matrix.mypy_cache import MypyCachePool
from shipyard.matrix.project import (
    IGNORED_PARTS,
    ScenarioError,
    apply_user_edits,
    differences,
    render,
    render_then_update,
    update,
)
from shipyard.questions import load_questions
from shipyard.scratch_postgres import PostgresUnavailableError, temporary_database
from shipyard.scratch_redis import DatabasePool, RedisUnavailableError
from shipyard.validators import applicable
from shipyard.validators.base import ArtifactValidator
from shipyard.verify import Step, run_step, step_environment, verification_steps

STEP_TIMEOUT_SECONDS = 900
# The generated suite without the tests that start, kill or cut processes, and without coverage
# (its threshold holds for the whole suite only); which scenarios get it: faults.py.
WITHOUT_FAULT_TESTS = ("-m", "not fault", "--no-cov")
# Started first when checks run side by side: the generated suite, then mypy (module docstring).
LONGEST_STEPS = ("pytest", "mypy")


@dataclass
class StepOutcome:
    name: str
    status: str  # passed | failed | skipped
    seconds: float
    output: str = ""


@dataclass
class Combination:
    """One row of the matrix: its answers and, for an update scenario, where it starts from."""

    id: str
    answers: dict[str, Any]
    update_from: str | None = None  # a template revision to render first, then update to HEAD
    start_answers: dict[str, Any] | None = None  # answers before the update, when they differ
    toggle_back: bool = False  # after the checks, update back to start_answers (feature off again)
    fault_tests: bool = True  # False: pytest -m "not fault" --no-cov (faults.py)


@dataclass
class CombinationResult:
    combination: Combination
    steps: list[StepOutcome] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(step.status != "failed" for step in self.steps)

    @property
    def seconds(self) -> float:
        return sum(step.seconds for step in self.steps)


@dataclass
class MatrixSettings:
    template: str
    template_dir: Path  # a local copy of the same revision, for reading its sources
    workdir: Path
    keep_projects: bool = False
    redis_pool: DatabasePool = field(default_factory=DatabasePool)
    mypy_caches: MypyCachePool | None = None  # None: caches under <workdir>/.mypy-caches
    checks_side_by_side: bool | None = None  # None: side by side when cores are spare (docstring)


def run_matrix(
    combinations: list[Combination],
    settings: MatrixSettings,
    jobs: int,
    on_finish: Callable[[CombinationResult], None] | None = None,
) -> list[CombinationResult]:
    """Every combination, `jobs` at a time; results in the order given."""
    settings.workdir.mkdir(parents=True, exist_ok=True)
    if settings.mypy_caches is None:
        settings.mypy_caches = MypyCachePool(settings.workdir / ".mypy-caches")
    if settings.checks_side_by_side is None:
        settings.checks_side_by_side = min(jobs, len(combinations)) < (os.cpu_count() or 1)

    def one(combination: Combination) -> CombinationResult:
        result = run_combination(combination, settings)
        if on_finish is not None:
            on_finish(result)
        return result

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, combinations))


def run_combination(combination: Combination, settings: MatrixSettings) -> CombinationResult:
    result = CombinationResult(combination)
    project = settings.workdir / _safe_name(combination.id) / "project"
    shutil.rmtree(project.parent, ignore_errors=True)
    project.parent.mkdir(parents=True)

    produced = _timed(
        result,
        "render" if combination.update_from is None else "render+update",
        lambda: _produce(combination, settings, project),
    )
    if produced:
        _timed(result, "jinja markers", lambda: _jinja_markers(project, settings.template_dir))
        result.steps += _verify(combination.answers, combination.fault_tests, settings, project)
        if combination.toggle_back and combination.start_answers is not None and result.passed:
            _switch_back(combination, combination.start_answers, settings, project, result)
    if result.passed and not settings.keep_projects:
        shutil.rmtree(project, ignore_errors=True)
    return result


def _switch_back(
    combination: Combination,
    start_answers: dict[str, Any],
    settings: MatrixSettings,
    project: Path,
    result: CombinationResult,
) -> None:
    """A toggle's second half: the feature off again on the same project (copier update back to the
    start answers, compared with a fresh render plus the edits), then every check once more, its
    steps named "off: <step>" in the report. `uv sync` then also proves the feature's packages go."""
    switched = _timed(
        result,
        "switch off",
        lambda: _update_and_compare(settings, project, start_answers, commit_first=True),
    )
    if switched:
        checks = _verify(start_answers, combination.fault_tests, settings, project)
        result.steps += [replace(step, name=f"off: {step.name}") for step in checks]


def _verify(
    answers: dict[str, Any], fault_tests: bool, settings: MatrixSettings, project: Path
) -> list[StepOutcome]:
    """`uv sync`, then the other checks and the validators, in order or side by side."""
    steps: list[StepOutcome] = []
    try:
        with (
            _services(answers, settings) as overrides,
            _mypy_cache(answers, settings) as mypy_cache,
        ):
            environment = step_environment({**overrides, "MYPY_CACHE_DIR": mypy_cache})
            pytest_args = () if fault_tests else WITHOUT_FAULT_TESTS
            sync, *checks = verification_steps(pytest_args)
            steps.append(_check(sync, project, environment))
            tasks: list[tuple[str, Callable[[], StepOutcome]]] = [
                *((step.name, functools.partial(_check, step, project, environment)) for step in checks),
                *(
                    (validator.name, functools.partial(_validate, validator, project, files))
                    for validator, files in applicable(project)
                ),
            ]
            steps += _run_tasks(tasks, bool(settings.checks_side_by_side))
    except (PostgresUnavailableError, RedisUnavailableError) as error:
        steps.append(StepOutcome("services", "failed", 0.0, str(error)))
        # The artifact validators need no service: their findings still go in the report.
        steps += [_validate(validator, project, files) for validator, files in applicable(project)]
    return steps


def _run_tasks(tasks: list[tuple[str, Callable[[], StepOutcome]]], side_by_side: bool) -> list[StepOutcome]:
    """The (name, task) outcomes in the order given. Side by side: one task per core, the longest
    (LONGEST_STEPS) started first, so the short ones fill the other cores around them."""
    if not side_by_side:
        return [task() for _, task in tasks]

    def start_order(index: int) -> int:
        name = tasks[index][0]
        return LONGEST_STEPS.index(name) if name in LONGEST_STEPS else len(LONGEST_STEPS)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = {
            index: pool.submit(tasks[index][1]) for index in sorted(range(len(tasks)), key=start_order)
        }
        return [futures[index].result() for index in range(len(tasks))]


def _check(step: Step, project: Path, environment: Mapping[str, str]) -> StepOutcome:
    outcome = run_step(step, project, environment, timeout=STEP_TIMEOUT_SECONDS)
    output = outcome.output
    if not outcome.passed:
        # The log then ends with the command, its directory and its exit code.
        output = f"{output.rstrip()}\n{outcome.summary}"
    return StepOutcome(step.name, "passed" if outcome.passed else "failed", outcome.seconds, output)


def _validate(validator: ArtifactValidator, project: Path, files: list[Path]) -> StepOutcome:
    started = time.monotonic()
    passed, output = validator.run(project, files)
    return StepOutcome(validator.name, "passed" if passed else "failed", time.monotonic() - started, output)


def _produce(combination: Combination, settings: MatrixSettings, project: Path) -> str:
    if combination.update_from is None:
        return render(settings.template, project, combination.answers)
    start = combination.start_answers or combination.answers
    log: str = render_then_update(
        settings.template, project, start, combination.update_from, new_answers=combination.answers
    )
    return log + _compare_with_fresh(settings, project, combination.answers)


def _update_and_compare(
    settings: MatrixSettings, project: Path, answers: dict[str, Any], commit_first: bool
) -> str:
    log = update(project, answers, commit_first=commit_first)
    return log + _compare_with_fresh(settings, project, answers)


def _compare_with_fresh(settings: MatrixSettings, project: Path, answers: dict[str, Any]) -> str:
    """The updated repo must be what a fresh render of the same answers plus the same edits gives."""
    fresh = project.parent / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    render(settings.template, fresh, answers)
    apply_user_edits(fresh)
    found = differences(project, fresh)
    shutil.rmtree(fresh, ignore_errors=True)
    if found:
        raise ScenarioError("the update differs from a fresh render:\n" + "\n".join(found))
    return "same files as a fresh render with the same answers and edits\n"


def _jinja_markers(project: Path, template_dir: Path) -> str:
    files = [
        path.relative_to(project)
        for path in project.rglob("*")
        if path.is_file() and not IGNORED_PARTS.intersection(path.relative_to(project).parts)
    ]
    remnants = find_remnants(project, files, template_dir / "template", load_questions(template_dir))
    if remnants:
        raise ScenarioError("unrendered Jinja:\n" + "\n".join(remnants))
    return f"{len(files)} files, no Jinja left"


@contextlib.contextmanager
def _services(answers: Mapping[str, Any], settings: MatrixSettings) -> Iterator[dict[str, str | None]]:
    """DATABASE_URL and REDIS_URL of this combination's own; none inherited from the caller."""
    with contextlib.ExitStack() as stack:
        overrides: dict[str, str | None] = {"DATABASE_URL": None, "REDIS_URL": None}
        if answers.get("database") == "postgresql":
            overrides["DATABASE_URL"] = stack.enter_context(temporary_database())
        if "redis" in (answers.get("cache"), answers.get("rate_limit")):
            overrides["REDIS_URL"] = stack.enter_context(settings.redis_pool.database())
        yield overrides


@contextlib.contextmanager
def _mypy_cache(answers: Mapping[str, Any], settings: MatrixSettings) -> Iterator[str | None]:
    """A mypy cache shared with earlier combinations of the same Python (mypy_cache.py)."""
    if settings.mypy_caches is None:
        yield None  # run_combination called on its own: the project's own .mypy_cache
        return
    with settings.mypy_caches.cache(str(answers.get("python_version"))) as directory:
        yield str(directory)


def _timed(result: CombinationResult, name: str, action: Callable[[], str]) -> bool:
    started = time.monotonic()
    try:
        output = action()
    except (ScenarioError, RuntimeError) as error:
        result.steps.append(StepOutcome(name, "failed", time.monotonic() - started, str(error)))
        return False
    result.steps.append(StepOutcome(name, "passed", time.monotonic() - started, output))
    return True


def _safe_name(combination_id: str) -> str:
    return "".join(
        character if character.isalnum() or character in "-_." else "_" for character in combination_id
    )
