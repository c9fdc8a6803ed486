"""Counts of rejections and store failures, passed on to the metrics feature when it is present."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field

METRICS_MODULE = "app.features.rate_limit.rate_limit_metrics"
# (event, route template): event is "rejections" or "backend_errors".
Observer = Callable[[str, str], None]


@dataclass
class RateLimitStats:
    rejections: int = 0
    backend_errors: int = 0
    observers: list[Observer] = field(default_factory=list)

    def record(self, event: str, route: str = "") -> None:
        setattr(self, event, getattr(self, event) + 1)
        for observer in self.observers:
            observer(event, route)


def metrics_observer() -> Observer | None:
    """The Prometheus counters' observer, when the metrics feature is part of this service."""
    if importlib.util.find_spec(METRICS_MODULE) is None:
        return None
    observer: Observer = importlib.import_module(METRICS_MODULE).observe
    return observer
