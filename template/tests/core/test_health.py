"""Health probes: liveness without dependencies, readiness per registered check and schema."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event

from app.core.health import register_readiness_check
from app.main import create_app
from tests.conftest import MakeClient, MakeSettings, started
from tests.support.database import migrate


async def test_liveness_checks_nothing(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readiness_reports_the_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["database"]["duration_ms"] >= 0
    assert body["version"]
    assert body["uptime_seconds"] >= 0


async def _fails() -> None:
    raise ConnectionError("cache unreachable")


async def _hangs() -> None:
    await asyncio.sleep(10)


@pytest.mark.parametrize(
    ("probe", "error"), [(_fails, "ConnectionError: cache unreachable"), (_hangs, "timed out")]
)
async def test_failing_critical_check_makes_the_service_unready(
    make_client: MakeClient, make_settings: MakeSettings, probe, error: str
) -> None:
    app = create_app(make_settings())
    register_readiness_check(app, "cache", probe, timeout_seconds=0.1)
    async with make_client(app) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["cache"]["status"] == "error"
    assert body["checks"]["cache"]["error"].startswith(error)


async def test_failing_optional_check_only_degrades(
    make_client: MakeClient, make_settings: MakeSettings
) -> None:
    app = create_app(make_settings())
    register_readiness_check(app, "search", _fails, timeout_seconds=1, critical=False)
    async with make_client(app) as client:
        response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"


async def test_readiness_follows_a_sqlite_outage_without_restart(
    make_client: MakeClient, tmp_path: Path
) -> None:
    # The database file's directory disappears (a lost volume), then comes back.
    directory = tmp_path / "volume"
    url = f"sqlite+aiosqlite:///{directory / 'app.db'}"
    await asyncio.to_thread(migrate, url)
    async with make_client(DATABASE_URL=url) as client:
        assert (await client.get("/readyz")).status_code == 200

        shutil.move(directory, tmp_path / "unmounted")
        down = await client.get("/readyz")
        assert down.status_code == 503
        assert down.json()["checks"]["database"]["status"] == "error"
        assert "OperationalError" in down.json()["checks"]["database"]["error"]

        shutil.move(tmp_path / "unmounted", directory)
        assert (await client.get("/readyz")).status_code == 200


async def test_readiness_is_false_while_the_schema_is_behind_the_migrations(
    make_settings: MakeSettings, tmp_path: Path
) -> None:
    # A pod whose migration job has not run: the database answers, but has no schema yet.
    url = f"sqlite+aiosqlite:///{tmp_path / 'unmigrated.db'}"
    app = create_app(make_settings(DATABASE_URL=url))
    async with started(app) as client:
        behind = await client.get("/readyz")
        assert behind.status_code == 503
        body = behind.json()
        assert body["checks"]["database"]["status"] == "ok"
        assert body["checks"]["schema"]["status"] == "error"
        assert "0001 (Create the items table.)" in body["checks"]["schema"]["error"]

        await asyncio.to_thread(migrate, url)
        assert (await client.get("/readyz")).status_code == 200


async def test_a_current_schema_is_not_queried_again(
    shared_app: FastAPI, client: httpx.AsyncClient
) -> None:
    engine = shared_app.state.database.engine
    assert (await client.get("/readyz")).status_code == 200
    statements: list[str] = []

    def record(_conn, _cursor, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        for _ in range(3):
            assert (await client.get("/readyz")).status_code == 200
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    assert not [statement for statement in statements if "alembic_version" in statement]
    assert statements, "the database check still runs on every probe"
