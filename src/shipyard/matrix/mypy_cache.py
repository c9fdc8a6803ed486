"""mypy caches shared between matrix projects, one combination at a time per cache.

Every combination installs the same libraries (FastAPI, SQLAlchemy, pydantic...), and a cold mypy
run spends most of its time on their stubs and sources: measured on an all-on render, 51.7 s cold,
14.9 s with the cache another combination left, 2.3 s with its own. mypy's incremental mode checks
each cached module against its source's hash and the options it was checked with, so a cache from
another project only saves work, it does not change the verdict; the project's own modules, which
differ between combinations, are checked again.

A cache is never used by two mypy runs at once (they would write the same files), and caches are
kept apart by the combination's python_version, since mypy keeps nothing across a change of target
version.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class MypyCachePool:
    def __init__(self, root: Path) -> None:
        self._root = root
        self._lock = threading.Lock()
        self._free: dict[str, list[Path]] = {}
        self._made = 0

    @contextmanager
    def cache(self, key: str) -> Iterator[Path]:
        """A cache directory for `key` (the python_version) that no one else uses until released."""
        with self._lock:
            free = self._free.setdefault(key, [])
            if free:
                directory = free.pop()
            else:
                self._made += 1
                directory = self._root / f"mypy-cache-{self._made}"
        try:
            yield directory
        finally:
            with self._lock:
                self._free[key].append(directory)
