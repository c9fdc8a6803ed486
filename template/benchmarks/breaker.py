"""Benchmark: our circuit breaker against pybreaker, on the failure pattern that matters.

The service's rule is "5 failures within 10 s open the breaker". A dependency that fails every
other call is the case that tells the two apart: the calls until each one opens (of 1000), then
the CPU time of one successful guarded call.
Run: uv run --with pybreaker python benchmarks/breaker.py
"""

from __future__ import annotations

from typing import Any

from timing import cpu_us, optional, report

from app.core.breaker import BreakerPolicy, CircuitBreaker

CALLS = 1000
THRESHOLD = 5


class Flaky(Exception):
    pass


def fails_every_other(call: int) -> None:
    if call % 2:
        raise Flaky(call)


def ours_opens_after() -> int | None:
    breaker = CircuitBreaker("bench", BreakerPolicy(failure_threshold=THRESHOLD, window_seconds=10))
    for call in range(1, CALLS + 1):
        if not breaker.allow():
            return call - 1
        try:
            fails_every_other(call)
        except Flaky as error:
            breaker.failure(error)
        else:
            breaker.success()
    return None


def library_opens_after(pybreaker: Any) -> int | None:
    breaker = pybreaker.CircuitBreaker(fail_max=THRESHOLD, reset_timeout=30)
    for call in range(1, CALLS + 1):
        try:
            breaker.call(fails_every_other, call)
        except pybreaker.CircuitBreakerError:
            return call - 1
        except Flaky:
            continue
    return None


def ours_guarded_call() -> None:
    if BREAKER.allow():
        BREAKER.success()


BREAKER = CircuitBreaker("bench", BreakerPolicy())


def main() -> None:
    results: dict[str, Any] = {
        "ours": {
            "calls_before_open_failing_every_other": ours_opens_after(),
            "cpu_us_per_successful_call": cpu_us(ours_guarded_call, 100_000),
        }
    }
    pybreaker = optional("pybreaker", "--with pybreaker")
    if pybreaker is not None:
        guard = pybreaker.CircuitBreaker(fail_max=THRESHOLD, reset_timeout=30)
        results["pybreaker"] = {
            "calls_before_open_failing_every_other": library_opens_after(pybreaker),
            "cpu_us_per_successful_call": cpu_us(lambda: guard.call(fails_every_other, 0), 100_000),
        }
    report(
        f"breaker: {THRESHOLD} failures, a dependency failing every other call of {CALLS}",
        {"results": results, "null_means": "never opened"},
    )


if __name__ == "__main__":
    main()
