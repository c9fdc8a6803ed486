"""Renders shared by a test session: one render per answer set, one verification per set of final answers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_copie.plugin import Copie

from shipyard.scratch_postgres import temporary_database
from shipyard.verify import StepResult, run_verification, step_environment

# Long enough for a cold `uv sync` on a slow network; a hung step still ends the run.
STEP_TIMEOUT_SECONDS = 900


@dataclass
class RenderedService:
    answers: dict[str, Any]
    project_dir: Path
    files: list[Path]  # relative paths as rendered, before verification adds .venv and caches


# Presets often equal another configuration (standard == defaults); verifying each distinct set of
# final answers once keeps the suite fast without testing less.
@dataclass
class RenderCache:
    copie: Copie
    _renders: dict[str, RenderedService] = field(default_factory=dict)
    _verifications: dict[str, list[StepResult]] = field(default_factory=dict)

    def render(self, answers: Mapping[str, Any]) -> RenderedService:
        key = _key(answers)
        if key not in self._renders:
            result = self.copie.copy(extra_answers=dict(answers))
            if result.exception is not None or result.project_dir is None:
                raise AssertionError(f"rendering with {dict(answers)} failed: {result.exception!r}")
            project = result.project_dir
            files = sorted(path.relative_to(project) for path in project.rglob("*") if path.is_file())
            self._renders[key] = RenderedService(dict(result.answers), project, files)
        return self._renders[key]

    def verify(self, service: RenderedService) -> list[StepResult]:
        key = _key(service.answers)
        if key not in self._verifications:
            self._verifications[key] = verify_service(service.project_dir, service.answers)
        return self._verifications[key]


def verify_service(project_dir: Path, answers: Mapping[str, Any]) -> list[StepResult]:
    """shipyard's verification, against a database of its own when the service uses PostgreSQL."""
    if answers.get("database") == "postgresql":
        with temporary_database() as database_url:
            return _run(project_dir, {"DATABASE_URL": database_url})
    # An inherited DATABASE_URL would point a SQLite service at someone else's server.
    return _run(project_dir, {"DATABASE_URL": None})


def _run(project_dir: Path, overrides: Mapping[str, str | None]) -> list[StepResult]:
    return run_verification(
        project_dir,
        environment=step_environment(overrides),
        keep_going=True,  # one report shows every broken step
        timeout=STEP_TIMEOUT_SECONDS,
    )


def failure_report(results: list[StepResult]) -> str:
    failed = [result for result in results if not result.passed]
    return "\n\n".join(
        f"--- {result.step.name} ({' '.join(result.step.command)}) exited {result.returncode}\n"
        f"{result.output}"
        for result in failed
    )


def _key(answers: Mapping[str, Any]) -> str:
    return json.dumps(answers, sort_keys=True, default=str)
