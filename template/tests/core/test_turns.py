"""Turns: waiters for a pooled connection are served in arrival order, and not forever."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import exc

from app.core.turns import Turns


async def test_waiters_are_served_in_arrival_order_even_against_newcomers() -> None:
    turns = Turns(limit=1, wait_seconds=5)
    served: list[str] = []
    release = asyncio.Event()

    async def request(name: str, hold: asyncio.Event | None = None) -> None:
        async with turns.turn():
            served.append(name)
            if hold is not None:
                await hold.wait()

    holder = asyncio.create_task(request("holder", release))
    await asyncio.sleep(0)
    waiters = [asyncio.create_task(request(name)) for name in ("first", "second")]
    await asyncio.sleep(0)
    release.set()  # the turn frees up just as a newcomer arrives
    newcomer = asyncio.create_task(request("newcomer"))
    await asyncio.gather(holder, *waiters, newcomer)

    assert served == ["holder", "first", "second", "newcomer"]


async def test_waiting_longer_than_the_pool_timeout_fails_with_the_reason() -> None:
    turns = Turns(limit=1, wait_seconds=0.05)
    async with turns.turn():
        with pytest.raises(exc.TimeoutError, match="DATABASE_POOL_SIZE"):
            async with turns.turn():
                pass  # pragma: no cover - never reached
    async with turns.turn():
        pass  # the turn that timed out left nothing behind
