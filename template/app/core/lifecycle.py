"""Startup and shutdown hooks that core and features register; shutdown runs in reverse order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from app.core.logging import get_logger

logger = get_logger("app.lifecycle")
Hook = Callable[[], Awaitable[None]]


class Lifecycle:
    def __init__(self) -> None:
        self._startup: list[tuple[str, Hook]] = []
        self._shutdown: list[tuple[str, Hook]] = []

    def on_startup(self, step: str, hook: Hook) -> None:
        self._startup.append((step, hook))

    def on_shutdown(self, step: str, hook: Hook) -> None:
        self._shutdown.append((step, hook))

    async def startup(self) -> None:
        for step, hook in self._startup:
            logger.info(step)
            await hook()

    async def shutdown(self) -> None:
        """Run every shutdown hook, newest first; one failing hook does not skip the others."""
        for step, hook in reversed(self._shutdown):
            logger.info(step)
            try:
                await hook()
            except Exception:
                logger.exception("shutdown step failed", step=step)
            else:
                logger.info("shutdown step done", step=step)
