"""Migrations: they run both ways, build what the models describe, and run first in development."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from app.core.migrations import (
    describe_missing,
    migration_lock,
    missing_revisions,
    upgrade_to_head,
)
from app.models import Base
from tests.conftest import environment_for_tests
from tests.support.credentials import server_headers
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


SERVER_START_SECONDS = 90


def _accepts_connections(port: int) -> bool:
    # A bare TCP connect, not an HTTP request: the POST below must be the first request served.
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_development_server_migrates_before_its_first_request(tmp_path: Path) -> None:
    port = free_port()
    # The test settings (Redis, key prefixes) on a fresh SQLite file, as a development server.
    env = {
        **os.environ,
        **environment_for_tests(
            f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}",
            APP_ENV="development",
            APP_PORT=str(port),
            # No collector runs here; its export errors are not what this test looks for.
            TRACING_ENABLED="false",
        ),
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
        # Generous: a loaded CI machine with coverage in the child can take many seconds to boot.
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not _accepts_connections(port):
            assert server.poll() is None, f"server exited early:\n{output()}"
            assert time.monotonic() < deadline, f"server did not listen:\n{output()}"
            time.sleep(0.05)
        base_url = f"http://127.0.0.1:{port}"
        created = httpx.post(
            f"{base_url}/items",
            json={"name": "first", "price": "1.00"},
            headers=server_headers(base_url),
            timeout=10,
        )
        assert created.status_code == 201, f"{created.text}\n{output()}"
        ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=10)
        assert ready.status_code == 200, ready.text
        errors = [line for line in output().splitlines() if '"level": "error"' in line]
        assert not errors, "the server logged errors:\n" + "\n".join(errors)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_missing_revisions_names_those_after_the_databases_oldest_first(tmp_path: Path) -> None:
    # The scripts of a release with two new migrations, against a database still at 0001.
    scripts = tmp_path / "migrations"
    shutil.copytree(PROJECT_ROOT / "migrations", scripts)
    # Only the base revision: features add branches of their own, which are not what this tests.
    for version in (scripts / "versions").glob("*.py"):
        if not version.name.startswith("0001_"):
            version.unlink()
    for revision, down in (("0002", "0001"), ("0003", "0002")):
        (scripts / "versions" / f"{revision}_step.py").write_text(
            f'"""Step {revision}."""\n\nrevision = "{revision}"\ndown_revision = "{down}"\n\n\n'
            "def upgrade() -> None:\n    pass\n\n\ndef downgrade() -> None:\n    pass\n"
        )
    script = ScriptDirectory(str(scripts))
    assert missing_revisions(script, ("0001",)) == ["0002", "0003"]
    assert missing_revisions(script, ()) == ["0001", "0002", "0003"]
    assert missing_revisions(script, ("0003",)) == []
    # A revision the code does not know is a newer release's: this one keeps serving.
    assert missing_revisions(script, ("0004",)) == []
    described = describe_missing(script, ["0002", "0003"])
    assert "0002 (Step 0002.), 0003 (Step 0003.)" in described


def test_development_upgrades_take_turns(tmp_path: Path) -> None:
    # Workers starting together each upgrade at startup; one waits while another migrates.
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    sync_url = make_url(url).set(drivername="sqlite")
    with migration_lock(url):
        upgrade = threading.Thread(target=upgrade_to_head, args=(url,))
        upgrade.start()
        upgrade.join(timeout=1)
        assert upgrade.is_alive(), "an upgrade ran while another held the lock"
        assert "items" not in inspect(create_engine(sync_url)).get_table_names()
    upgrade.join(timeout=30)
    assert not upgrade.is_alive()
    assert "items" in inspect(create_engine(sync_url)).get_table_names()
