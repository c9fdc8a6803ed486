"""A retry budget: retries may add at most a share of recent calls, so an outage is not multiplied.

stamina bounds the retries of one call (attempts, total time) but knows nothing of the others:
with 3 attempts per call, a dead upstream receives three times the usual traffic exactly when it
can least take it. This token bucket is the missing rule (a few lines, no I/O, one event loop):
every call deposits `ratio` tokens, up to `burst`; every retry takes a whole token or is not made.
"""

from __future__ import annotations


class RetryBudget:
    """`ratio` 0.2: retries are at most ~20% of calls once the initial `burst` is spent."""

    def __init__(self, ratio: float, burst: float) -> None:
        self.ratio = ratio
        self.burst = burst
        self.tokens = burst

    def record_call(self) -> None:
        self.tokens = min(self.burst, self.tokens + self.ratio)

    def try_spend(self) -> bool:
        """Take one token for a retry; False (no retry) when the budget is spent."""
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
