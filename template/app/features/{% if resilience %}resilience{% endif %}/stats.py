"""Counts of what the resilience feature did (shed requests, breaker moves), for metrics."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field

from app.core.breaker import CircuitBreaker, State

METRICS_MODULE = "app.features.resilience.resilience_metrics"


@dataclass
class ResilienceStats:
    """In-process counters; the Prometheus module, when present, mirrors them."""

    shed_requests: int = 0
    transitions: int = 0
    on_shed: list[Callable[[], None]] = field(default_factory=list)
    on_transition: list[Callable[[CircuitBreaker, State, State], None]] = field(
        default_factory=list
    )

    def shed(self) -> None:
        self.shed_requests += 1
        for observer in self.on_shed:
            observer()

    def transition(self, breaker: CircuitBreaker, before: State, after: State) -> None:
        self.transitions += 1
        for observer in self.on_transition:
            observer(breaker, before, after)

    def watch(self, breaker: CircuitBreaker) -> None:
        """Follow `breaker`'s state changes (and report its current state at once)."""
        breaker.listeners.append(self.transition)
        for observer in self.on_transition:
            observer(breaker, breaker.state, breaker.state)


def attach_metrics(stats: ResilienceStats) -> None:
    """Mirror `stats` into Prometheus when this service has the metrics feature."""
    if importlib.util.find_spec(METRICS_MODULE) is None:
        return
    module = importlib.import_module(METRICS_MODULE)
    stats.on_shed.append(module.observe_shed)
    stats.on_transition.append(module.observe_transition)
