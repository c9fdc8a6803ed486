"""loadtests/profiles.json holds the seed's profiles, and a missed threshold fails the run."""

from __future__ import annotations

import pytest

from loadtests.thresholds import RunResult, Thresholds, load_profile, missed

SEED_LIMITS = Thresholds(p95_ms=200, error_ratio=0.001, min_rps=1000)


@pytest.mark.parametrize(
    ("name", "peak_users", "seconds"),
    [("smoke", 100, 60), ("load", 1000, 600), ("stress", 10_000, 900), ("soak", 1000, 3600)],
)
def test_the_seed_profiles_are_named_with_their_users_and_duration(
    name: str, peak_users: int, seconds: int
) -> None:
    profile = load_profile(name)
    assert max(stage.users for stage in profile.stages) == peak_users
    assert profile.duration_seconds == seconds
    assert profile.thresholds.p95_ms == SEED_LIMITS.p95_ms
    assert profile.thresholds.error_ratio == SEED_LIMITS.error_ratio


def test_stress_ramps_up_and_stops_after_its_last_stage() -> None:
    stress = load_profile("stress")
    users = [stress.users_at(second) or 0 for second in (0, 200, 500, 899)]
    assert users == sorted(users)
    assert users[-1] == 10_000
    assert stress.users_at(900) is None


def test_a_run_within_the_thresholds_passes() -> None:
    assert missed(RunResult(requests=100_000, failures=10, p95_ms=120, rps=1500), SEED_LIMITS) == []


def test_each_missed_threshold_is_named() -> None:
    slow_and_failing = RunResult(requests=1000, failures=50, p95_ms=450, rps=80)
    problems = missed(slow_and_failing, SEED_LIMITS)
    assert [problem.split()[0] for problem in problems] == ["p95", "error", "throughput"]


def test_a_run_without_requests_fails() -> None:
    assert missed(RunResult(requests=0, failures=0, p95_ms=0, rps=0), SEED_LIMITS) != []


def test_an_unknown_profile_is_refused_with_the_known_names() -> None:
    with pytest.raises(SystemExit, match="pick one of load, smoke, soak, stress, tiny"):
        load_profile("huge")
