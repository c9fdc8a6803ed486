"""Counts of cache hits, misses and errors, passed on to the metrics feature when it is present."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field

METRICS_MODULE = "app.features.cache.cache_metrics"
Observer = Callable[[str], None]


@dataclass
class CacheStats:
    """In-process totals (for tests and logs); `observers` see each event by name."""

    hits: int = 0
    misses: int = 0
    errors: int = 0
    observers: list[Observer] = field(default_factory=list)

    def record(self, event: str) -> None:
        setattr(self, event, getattr(self, event) + 1)
        for observer in self.observers:
            observer(event)


def metrics_observer() -> Observer | None:
    """The Prometheus counters' observer, when the metrics feature is part of this service."""
    if importlib.util.find_spec(METRICS_MODULE) is None:
        return None
    observer: Observer = importlib.import_module(METRICS_MODULE).observe
    return observer
