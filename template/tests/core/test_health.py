"""Health probes: liveness without dependencies, readiness per registered check."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import httpx
import pytest

from app.core.health import register_readiness_check
from app.main import create_app
from tests.conftest import MakeClient, MakeSettings
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
