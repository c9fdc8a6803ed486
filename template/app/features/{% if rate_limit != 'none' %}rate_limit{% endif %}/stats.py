"""Counts of rejections and store failures, passed on to observers (metrics: app.features.joins)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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
