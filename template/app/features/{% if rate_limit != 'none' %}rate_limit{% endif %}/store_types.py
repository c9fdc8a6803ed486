"""What a rate-limit store module (store.py: memory or Redis, by the answer) hands the feature."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

# How to release the store at shutdown (None: nothing of its own to release).
Close = Callable[[], Awaitable[None]] | None
# How /readyz checks that the store answers (None: a memory store cannot fail).
Probe = Callable[[], Awaitable[None]]
