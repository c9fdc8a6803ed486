"""Counts of what the resilience feature did (shed requests, breaker moves, upstream calls)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from app.core.breaker import CircuitBreaker, State


@dataclass
class ResilienceStats:
    """In-process counters; the Prometheus module, when present, mirrors them."""

    shed_requests: int = 0
    transitions: int = 0
    on_shed: list[Callable[[], None]] = field(default_factory=list)
    on_transition: list[Callable[[CircuitBreaker, State, State], None]] = field(
        default_factory=list
    )
    # Outgoing calls by (upstream, outcome); retries and refused retries by upstream.
    upstream_calls: Counter[tuple[str, str]] = field(default_factory=Counter)
    upstream_retries: Counter[str] = field(default_factory=Counter)
    retries_refused_by_budget: Counter[str] = field(default_factory=Counter)
    on_upstream_call: list[Callable[[str, str], None]] = field(default_factory=list)
    on_upstream_retry: list[Callable[[str], None]] = field(default_factory=list)
    on_retry_budget_exhausted: list[Callable[[str], None]] = field(default_factory=list)

    def shed(self) -> None:
        self.shed_requests += 1
        for observer in self.on_shed:
            observer()

    def transition(self, breaker: CircuitBreaker, before: State, after: State) -> None:
        self.transitions += 1
        for observer in self.on_transition:
            observer(breaker, before, after)

    def upstream_call(self, upstream: str, outcome: str) -> None:
        self.upstream_calls[upstream, outcome] += 1
        for observer in self.on_upstream_call:
            observer(upstream, outcome)

    def upstream_retry(self, upstream: str) -> None:
        self.upstream_retries[upstream] += 1
        for observer in self.on_upstream_retry:
            observer(upstream)

    def retry_budget_exhausted(self, upstream: str) -> None:
        self.retries_refused_by_budget[upstream] += 1
        for observer in self.on_retry_budget_exhausted:
            observer(upstream)

    def watch(self, breaker: CircuitBreaker) -> None:
        """Follow `breaker`'s state changes (and report its current state at once)."""
        breaker.listeners.append(self.transition)
        for observer in self.on_transition:
            observer(breaker, breaker.state, breaker.state)
