"""SQLite outages seen by clients: a locked or read-only file is a 503 with Retry-After."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import text

from app.main import create_app
from tests.conftest import MakeSettings, started
from tests.support.database import migrate
from tests.support.outages import assert_database_unavailable, assert_logged_once

LogEvents = Callable[[], list[dict[str, Any]]]
BUSY_TIMEOUT_SECONDS = 0.3
SLACK_SECONDS = 1.5
NEW_ITEM = {"name": "Blocked", "price": "1.00"}


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.db"
    migrate(f"sqlite+aiosqlite:///{path}")
    return path


async def test_a_locked_sqlite_file_is_a_503_until_the_lock_goes(
    make_settings: MakeSettings, sqlite_file: Path, log_events: LogEvents
) -> None:
    settings = make_settings(
        DATABASE_URL=f"sqlite+aiosqlite:///{sqlite_file}",
        DATABASE_POOL_TIMEOUT_SECONDS=str(BUSY_TIMEOUT_SECONDS),
    )
    async with started(create_app(settings)) as client:
        other_writer = sqlite3.connect(sqlite_file, isolation_level=None)
        try:
            other_writer.execute("BEGIN EXCLUSIVE")
            began = time.monotonic()
            response = await client.post("/items", json=NEW_ITEM)
            elapsed = time.monotonic() - began
        finally:
            other_writer.close()
        assert_database_unavailable(response, elapsed, BUSY_TIMEOUT_SECONDS + SLACK_SECONDS)
        assert_logged_once(log_events(), response)
        assert (await client.post("/items", json=NEW_ITEM)).status_code == 201


async def test_a_read_only_sqlite_file_is_a_503(
    make_settings: MakeSettings, sqlite_file: Path, log_events: LogEvents
) -> None:
    # A file opened read-only stands for a volume mounted read-only (chmod does not stop root).
    settings = make_settings(
        DATABASE_URL=f"sqlite+aiosqlite:///file:{sqlite_file}?mode=ro&uri=true"
    )
    async with started(create_app(settings)) as client:
        began = time.monotonic()
        response = await client.post("/items", json=NEW_ITEM)
        elapsed = time.monotonic() - began
    assert_database_unavailable(response, elapsed, SLACK_SECONDS)
    assert_logged_once(log_events(), response)


def with_direct_write_route(app: FastAPI) -> FastAPI:
    """A route using the engine's sessions directly, as feature code may, not Database.writing()."""

    @app.post("/direct-write")
    async def direct_write() -> dict[str, str]:
        async with app.state.database.sessionmaker() as session:
            await session.execute(text("DELETE FROM items"))
            await session.commit()
        return {"status": "done"}

    return app


async def test_an_outage_outside_the_database_sessions_is_a_503_too(
    make_settings: MakeSettings, sqlite_file: Path, log_events: LogEvents
) -> None:
    settings = make_settings(
        DATABASE_URL=f"sqlite+aiosqlite:///{sqlite_file}",
        DATABASE_POOL_TIMEOUT_SECONDS=str(BUSY_TIMEOUT_SECONDS),
    )
    async with started(with_direct_write_route(create_app(settings))) as client:
        other_writer = sqlite3.connect(sqlite_file, isolation_level=None)
        try:
            other_writer.execute("BEGIN EXCLUSIVE")
            began = time.monotonic()
            response = await client.post("/direct-write")
            elapsed = time.monotonic() - began
        finally:
            other_writer.close()
    assert_database_unavailable(response, elapsed, BUSY_TIMEOUT_SECONDS + SLACK_SECONDS)
    assert_logged_once(log_events(), response)
