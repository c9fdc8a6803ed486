"""The circuit breaker's rule: N failures in a rolling window open it; a half-open trial decides."""

from __future__ import annotations

import asyncio
import math
from types import SimpleNamespace

from app.core.breaker import BreakerPolicy, CircuitBreaker, register_breaker

POLICY = BreakerPolicy(failure_threshold=3, window_seconds=10, open_seconds=30, half_open_trials=1)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def breaker(clock: Clock, policy: BreakerPolicy = POLICY) -> CircuitBreaker:
    return CircuitBreaker("dependency", policy, clock=clock)


async def test_failures_spread_wider_than_the_window_never_open_it() -> None:
    clock = Clock()
    subject = breaker(clock)
    for _ in range(10):
        assert not subject.failure(ConnectionError("refused"))
        clock.now += 5.1  # at most two failures in any 10 s
    assert subject.closed
    assert subject.allow()


async def test_threshold_failures_in_the_window_open_it_even_with_successes_between() -> None:
    clock = Clock()
    subject = breaker(clock)
    subject.failure(OSError("reset"))
    subject.success()  # a success in between does not forgive (unlike consecutive counting)
    subject.failure(OSError("reset"))
    clock.now += 9
    assert subject.failure(OSError("reset"))
    assert subject.state == "open"
    assert not subject.allow()
    assert subject.retry_after() == 30
    assert "OSError: reset" in subject.describe()


async def test_after_the_open_period_one_trial_goes_through_and_its_success_closes_it() -> None:
    clock = Clock()
    moves: list[tuple[str, str]] = []
    subject = breaker(clock)
    subject.listeners.append(lambda _b, before, after: moves.append((before, after)))
    for _ in range(3):
        subject.failure(TimeoutError())
    clock.now += 29.5
    assert not subject.allow()
    assert subject.retry_after() == 1
    clock.now += 0.5
    assert subject.allow()  # the trial
    assert subject.state == "half_open"
    assert not subject.allow()  # only one at a time
    subject.success()
    assert subject.closed
    assert subject.allow()
    assert moves == [("closed", "open"), ("open", "half_open"), ("half_open", "closed")]


async def test_a_failed_trial_opens_it_for_another_period() -> None:
    clock = Clock()
    subject = breaker(clock)
    for _ in range(3):
        subject.failure(TimeoutError())
    clock.now += 30
    assert subject.allow()
    assert subject.failure(ConnectionResetError())
    assert subject.state == "open"
    assert not subject.failure(ConnectionResetError())  # already open: no new outage
    clock.now += 29
    assert not subject.allow()


async def test_close_by_hand_forgets_the_failures() -> None:
    clock = Clock()
    subject = breaker(clock)
    subject.failure(OSError())
    subject.failure(OSError())
    subject.close()
    assert not subject.failure(OSError())  # the count starts again
    assert subject.closed


async def test_a_background_probe_closes_a_breaker_that_never_half_opens() -> None:
    attempts: list[int] = []

    async def recover() -> None:
        attempts.append(1)
        if len(attempts) < 2:
            raise ConnectionError("still down")

    policy = BreakerPolicy(failure_threshold=1, open_seconds=math.inf)
    subject = CircuitBreaker("redis", policy, recover=recover, probe_interval=0)
    assert subject.failure(ConnectionError("down"))
    assert not subject.allow()
    assert subject.retry_after() == 1
    for _ in range(100):
        if subject.closed:
            break
        await asyncio.sleep(0.01)
    assert subject.closed
    assert len(attempts) == 2
    await subject.aclose()


async def test_aclose_stops_a_probe_still_running() -> None:
    async def never() -> None:
        raise ConnectionError("down")

    subject = CircuitBreaker("redis", POLICY, recover=never, probe_interval=0)
    for _ in range(3):
        subject.failure(ConnectionError("down"))
    await asyncio.sleep(0.06)
    await subject.aclose()
    assert subject.state == "open"
    assert "still" not in subject.last_error
    assert "ConnectionError" in subject.last_error


def test_the_registry_lives_on_the_app_state() -> None:
    app = SimpleNamespace(state=SimpleNamespace())
    seen: list[str] = []
    app.state.breaker_hooks = [lambda b: seen.append(b.name)]
    made = register_breaker(app, CircuitBreaker("database", POLICY))
    assert app.state.breakers == {"database": made}
    assert seen == ["database"]
    # Outside an event loop the breaker still logs (no loop to defer to).
    for _ in range(3):
        made.failure(OSError())
    made.close()
