"""Invalidations Redis missed while it was unreachable: a bounded set, then "forget everything"."""

from __future__ import annotations

Invalidation = tuple[str, str]  # (entity, key)


class PendingInvalidations:
    """What the cache owes Redis once it answers again.

    At most `limit` distinct items are remembered. One more and the set is replaced by a single
    flag, `everything`: recovery then bumps the cache's global generation (one command) instead
    of replaying each item, which makes every cached value stale at once.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.everything = False
        self._items: set[Invalidation] = set()

    def add(self, entity: str, key: str) -> None:
        if self.everything:
            return
        if len(self._items) >= self.limit and (entity, key) not in self._items:
            self.forget_everything()
        else:
            self._items.add((entity, key))

    def forget_everything(self) -> None:
        self.everything = True
        self._items.clear()

    def take(self, count: int) -> list[Invalidation]:
        """Remove and return up to `count` items (give them back with `add` if replay fails)."""
        return [self._items.pop() for _ in range(min(count, len(self._items)))]

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return self.everything or bool(self._items)
