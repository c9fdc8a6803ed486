"""Cache hit, miss and error counts, passed on to observers (metrics: see app.features.joins)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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
