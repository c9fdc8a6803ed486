"""Pausing coverage measurement for tests whose value is not the lines they reach."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import coverage


@contextmanager
def coverage_paused() -> Iterator[None]:
    """Stop tracing for the block (a no-op when not running under coverage).

    Property-based tests make millions of calls in the generator; tracing them doubles their
    run time while adding nothing the example-based tests do not already measure. Lines reached
    only inside the block are not counted, so this can only make the coverage figure stricter.
    """
    current = coverage.Coverage.current()
    if current is None:
        yield
        return
    current.stop()
    try:
        yield
    finally:
        current.start()
