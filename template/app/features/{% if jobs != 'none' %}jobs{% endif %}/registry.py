"""The @job decorator: tasks are declared once, then registered on each broker the process builds.

Declaring tasks apart from a broker object (rather than taskiq's `@broker.task` on a module-level
broker) lets the API, the worker and every test build their broker from settings read at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: Callable[..., Any]
    # None: JOBS_TASK_TIMEOUT_SECONDS / JOBS_MAX_ATTEMPTS apply.
    timeout_seconds: float | None
    max_attempts: int | None


_jobs: dict[str, JobSpec] = {}


def job(
    name: str, *, timeout_seconds: float | None = None, max_attempts: int | None = None
) -> Callable[[F], F]:
    """Declare an async function as the task `name` (names are the contract between versions)."""

    def register(func: F) -> F:
        existing = _jobs.get(name)
        if existing is not None and existing.func is not func:
            raise ValueError(f"two tasks are named {name!r}; task names must be unique")
        _jobs[name] = JobSpec(name, func, timeout_seconds, max_attempts)
        return func

    return register


def declared_jobs() -> dict[str, JobSpec]:
    """Every declared task by name (the modules declaring them must have been imported)."""
    return dict(_jobs)
