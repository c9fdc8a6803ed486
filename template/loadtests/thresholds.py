"""Profiles and pass/fail thresholds from profiles.json, and the verdict on a finished run.

Plain Python (no locust import), so the generated tests check the verdict in-process and k6.js
reads the same JSON file: one place to change a profile or a threshold.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROFILES_FILE = Path(__file__).with_name("profiles.json")


@dataclass(frozen=True)
class Stage:
    users: int
    until_seconds: int


@dataclass(frozen=True)
class Thresholds:
    p95_ms: float
    error_ratio: float
    min_rps: float


@dataclass(frozen=True)
class Profile:
    name: str
    spawn_rate: float
    stages: tuple[Stage, ...]
    thresholds: Thresholds

    @property
    def duration_seconds(self) -> int:
        return self.stages[-1].until_seconds

    def users_at(self, elapsed_seconds: float) -> int | None:
        """How many users should run `elapsed_seconds` into the run; None once it is over."""
        for stage in self.stages:
            if elapsed_seconds < stage.until_seconds:
                return stage.users
        return None


@dataclass(frozen=True)
class RunResult:
    requests: int
    failures: int
    p95_ms: float
    rps: float

    @property
    def error_ratio(self) -> float:
        return self.failures / self.requests if self.requests else 1.0


def load_profile(name: str, path: Path = PROFILES_FILE) -> Profile:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    profiles: dict[str, Any] = data["profiles"]
    if name not in profiles:
        known = ", ".join(sorted(profiles))
        raise SystemExit(f"unknown load profile {name!r}: pick one of {known} (PROFILE=...)")
    profile = profiles[name]
    limits = {**data["thresholds"], **profile.get("thresholds", {})}
    return Profile(
        name=name,
        spawn_rate=float(profile["spawn_rate"]),
        stages=tuple(Stage(int(s["users"]), int(s["until_seconds"])) for s in profile["stages"]),
        thresholds=Thresholds(
            p95_ms=float(limits["p95_ms"]),
            error_ratio=float(limits["error_ratio"]),
            min_rps=float(limits["min_rps"]),
        ),
    )


def missed(result: RunResult, limits: Thresholds) -> list[str]:
    """One line per threshold the run missed; empty when it passed."""
    problems = []
    if result.requests == 0:
        return ["no requests were made (is HOST right?)"]
    if result.p95_ms >= limits.p95_ms:
        problems.append(f"p95 {result.p95_ms:.0f} ms >= {limits.p95_ms:.0f} ms")
    if result.error_ratio > limits.error_ratio:
        problems.append(f"error ratio {result.error_ratio:.4%} > {limits.error_ratio:.4%}")
    if result.rps < limits.min_rps:
        problems.append(f"throughput {result.rps:.1f} req/s < {limits.min_rps:.0f} req/s")
    return problems
