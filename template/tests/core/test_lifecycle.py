"""Startup and shutdown hooks: order, and one failing shutdown step not blocking the rest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.lifecycle import Lifecycle

Events = Callable[[], list[dict[str, Any]]]


async def test_hooks_run_in_order_and_failures_do_not_stop_shutdown(log_events: Events) -> None:
    calls: list[str] = []
    lifecycle = Lifecycle()

    def recorder(name: str) -> Any:
        async def hook() -> None:
            calls.append(name)

        return hook

    async def broken() -> None:
        raise RuntimeError("cache already gone")

    lifecycle.on_startup("connect cache", recorder("start cache"))
    lifecycle.on_startup("warm up", recorder("start warm"))
    lifecycle.on_shutdown("close cache", recorder("stop cache"))
    lifecycle.on_shutdown("flush", broken)
    lifecycle.on_shutdown("close pool", recorder("stop pool"))

    await lifecycle.startup()
    await lifecycle.shutdown()

    assert calls == ["start cache", "start warm", "stop pool", "stop cache"]
    failed = [event for event in log_events() if event["event"] == "shutdown step failed"]
    assert [event["step"] for event in failed] == ["flush"]
