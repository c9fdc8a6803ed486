"""Migrations: they run both ways, and they build exactly what the models describe."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, create_engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from app.models import Base
from tests.support.database import downgrade, migrate


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
