"""The verification of a generated repo, shared by `shipyard check` and the template tests: one step list."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from uv import find_uv_bin

from shipyard.process import run

ANSWERS_FILE = ".copier-answers.yml"
# PYTHONDONTWRITEBYTECODE (set in some containers and sandboxes) makes every Python process the
# checks start (pytest, the servers and entry points the generated tests start, alembic) compile
# FastAPI, SQLAlchemy, pydantic... from source again: about 2 s a process. Without it, the first
# process writes the bytecode into the project's .venv and the others read it: the all-on render's
# full suite took 421 s instead of 590 s on a 2-core machine.
UNINHERITED = frozenset({"VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE"})


@dataclass(frozen=True)
class Step:
    name: str
    command: tuple[str, ...]


@dataclass(frozen=True)
class StepResult:
    step: Step
    returncode: int | None  # None: not run, because an earlier step failed
    seconds: float
    output: str
    summary: str = ""  # how the command ended, in one line (process.Completed.summary); "" when not run

    @property
    def passed(self) -> bool:
        return self.returncode == 0

    @property
    def status(self) -> str:
        if self.returncode is None:
            return "skipped"
        return "passed" if self.passed else "failed"


def verification_steps(pytest_args: Sequence[str] = ()) -> list[Step]:
    """The steps, in order. The tools come from the repo's own .venv, configured by its pyproject.toml.

    `pytest_args` are added to the generated suite's run (the matrix's `-m "not fault" --no-cov`).
    """
    uv = find_uv_bin()
    in_project_env = (uv, "run", "--no-sync")
    return [
        # --all-extras: dev tools may be declared as an extra or as the default `dev` group; both install.
        Step("uv sync", (uv, "sync", "--all-extras")),
        Step("ruff format", (*in_project_env, "ruff", "format", "--check", ".")),
        Step("ruff check", (*in_project_env, "ruff", "check", ".")),
        Step("mypy", (*in_project_env, "mypy")),
        Step("pytest", (*in_project_env, "pytest", *pytest_args)),
    ]


def step_environment(overrides: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """The caller's environment, minus what would point the steps at another interpreter or test run.

    `overrides` sets variables, or removes them where the value is None.
    """
    environment = {
        key: value
        for key, value in os.environ.items()
        # An activated venv (shipyard's own) must not replace the repo's .venv; PYTEST_* from an
        # outer pytest (xdist worker ids, addopts) must not leak into the generated project's run.
        if key not in UNINHERITED and not key.startswith("PYTEST_")
    }
    # Use an installed Python rather than fetching one.
    environment.setdefault("UV_PYTHON_DOWNLOADS", "never")
    environment.setdefault("NO_COLOR", "1")
    for key, value in (overrides or {}).items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    return environment


def run_step(
    step: Step, project: Path, environment: Mapping[str, str], timeout: float | None = None
) -> StepResult:
    if "UV_LINK_MODE" not in environment and not _same_filesystem(project, _uv_cache_dir(environment)):
        # uv links packages from its cache by default; across filesystems it falls back to copying
        # with a warning on every install, so ask for the copy. On one filesystem its links made an
        # `uv sync` of a default render (with jobs on RabbitMQ) take 0.9-1.2 s instead of 3.4-4.4 s copying.
        environment = {**environment, "UV_LINK_MODE": "copy"}
    completed = run(step.command, cwd=project, env=environment, timeout=timeout)
    return StepResult(step, completed.returncode, completed.seconds, completed.output, completed.summary())


def _uv_cache_dir(environment: Mapping[str, str]) -> Path:
    if environment.get("UV_CACHE_DIR"):
        return Path(environment["UV_CACHE_DIR"])
    if os.name == "nt":
        return Path(environment.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "uv" / "cache"
    return Path(environment.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "uv"


def _same_filesystem(first: Path, second: Path) -> bool:
    """Whether both paths (or, for one not created yet, its nearest existing parent) share a device."""

    def device(path: Path) -> int:
        for candidate in (path, *path.absolute().parents):
            if candidate.exists():
                return candidate.stat().st_dev
        return -1

    return device(first) == device(second)


def run_verification(
    project: Path,
    *,
    environment: Mapping[str, str] | None = None,
    keep_going: bool = False,
    timeout: float | None = None,
    steps: Sequence[Step] | None = None,
    on_start: Callable[[Step], None] | None = None,
    on_finish: Callable[[StepResult], None] | None = None,
) -> list[StepResult]:
    """Run every step in `project`; after a failure the rest are skipped unless `keep_going`."""
    environment = step_environment() if environment is None else environment
    results: list[StepResult] = []
    failed = False
    for step in verification_steps() if steps is None else steps:
        if failed and not keep_going:
            results.append(StepResult(step, None, 0.0, ""))
            continue
        if on_start is not None:
            on_start(step)
        result = run_step(step, project, environment, timeout)
        failed = failed or not result.passed
        if on_finish is not None:
            on_finish(result)
        results.append(result)
    return results


def is_generated_repo(path: Path) -> bool:
    return (path / ANSWERS_FILE).is_file()
