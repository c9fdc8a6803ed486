"""Read-through cache hook: domains read and report writes through it; a feature may add a cache."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import Request
from pydantic import BaseModel

Model = TypeVar("Model", bound=BaseModel)
Loader = Callable[[], Awaitable[Model]]


class ReadCache:
    """No cache: every read loads. A feature replaces `app.state.read_cache` with a subclass.

    Values are pydantic models so a cache can store them as JSON and rebuild them unchanged.
    """

    async def read_one(
        self, entity: str, key: str, model: type[Model], load: Loader[Model]
    ) -> Model:
        """The `entity` with this `key` (e.g. an id), from the cache or else from `load`."""
        return await load()

    async def read_list(
        self, entity: str, query: str, model: type[Model], load: Loader[Model]
    ) -> Model:
        """A list page of `entity` described by `query`, from the cache or else from `load`."""
        return await load()

    async def changed(self, entity: str, key: str) -> None:
        """`entity` `key` was created, updated or deleted: forget it and every list of `entity`."""

    async def clear(self) -> None:
        """Forget everything cached (after data changed behind the domain's back, e.g. in tests)."""


def get_read_cache(request: Request) -> ReadCache:
    cache: ReadCache = request.app.state.read_cache
    return cache
