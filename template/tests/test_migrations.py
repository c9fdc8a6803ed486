"""Migrations: they run both ways, build what the models describe, and run first in development."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, create_engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from app.models import Base
from tests.support.database import PROJECT_ROOT, downgrade, migrate
from tests.support.server_process import free_port


def test_upgrade_downgrade_upgrade_on_a_fresh_database(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    sync_url = make_url(url).set(drivername="sqlite")
    migrate(url)
    assert "items" in inspect(create_engine(sync_url)).get_table_names()
    downgrade(url, "base")
    assert "items" not in inspect(create_engine(sync_url)).get_table_names()
    migrate(url)
    assert "items" in inspect(create_engine(sync_url)).get_table_names()


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_differences)
    finally:
        await engine.dispose()
    assert differences == [], (
        "models changed without a migration: run alembic revision --autogenerate"
    )


def _accepts_connections(port: int) -> bool:
    # A bare TCP connect, not an HTTP request: the POST below must be the first request served.
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_development_server_migrates_before_its_first_request(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "APP_ENV": "development",
        "APP_PORT": str(port),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}",
        "LOG_FORMAT": "json",
        # Keys of their own on a shared Redis, in renders with a Redis feature (ignored otherwise).
        "CACHE_KEY_PREFIX": f"test-dev-{port}",
        "RATE_LIMIT_KEY_PREFIX": f"test-dev-{port}",
    }
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "app"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def output() -> str:
        return log_path.read_text()[-3000:]

    try:
        deadline = time.monotonic() + 30
        while not _accepts_connections(port):
            assert server.poll() is None, f"server exited early:\n{output()}"
            assert time.monotonic() < deadline, f"server did not listen:\n{output()}"
            time.sleep(0.05)
        created = httpx.post(
            f"http://127.0.0.1:{port}/items", json={"name": "first", "price": "1.00"}, timeout=10
        )
        assert created.status_code == 201, f"{created.text}\n{output()}"
        ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=10)
        assert ready.status_code == 200, ready.text
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
