"""Test database lifecycle: a fresh PostgreSQL database (or a temp SQLite file), migrated."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

PROJECT_ROOT = Path(__file__).resolve().parents[2]

UNREACHABLE = """\
Cannot reach PostgreSQL at {where} ({error}).
The tests need a PostgreSQL server they may create databases on. Either
  - start one locally, e.g.: docker run -d --name pg -p 5432:5432 \
-e POSTGRES_HOST_AUTH_METHOD=trust postgres:16
  - or point the tests at a server you have:
      DATABASE_URL=postgresql+asyncpg://user:password@host:5432/postgres make test
"""


def migrate(url: str, revision: str = "heads") -> None:
    """Run `alembic upgrade <revision>` against `url`, the way `make migrate` does."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    config.attributes["configure_logger"] = False
    command.upgrade(config, revision)


def downgrade(url: str, revision: str) -> None:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    config.attributes["configure_logger"] = False
    command.downgrade(config, revision)


async def _admin(server_url: str, statement: str) -> None:
    engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@contextmanager
def postgresql_test_database(server_url: str) -> Iterator[str]:
    """Create `test_<random>` on the server of `server_url`, yield its URL, drop it after."""
    name = f"test_{secrets.token_hex(6)}"
    url = make_url(server_url)
    try:
        asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    except (OSError, TimeoutError) as error:
        where = url.render_as_string(hide_password=True)
        pytest.exit(UNREACHABLE.format(where=where, error=error), returncode=3)
    except Exception as error:
        # Reachable but refusing (bad password, no CREATEDB right, ...): same advice applies.
        where = url.render_as_string(hide_password=True)
        pytest.exit(UNREACHABLE.format(where=where, error=error), returncode=3)
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def migrated_test_database(configured_url: str, scratch: Path) -> Iterator[str]:
    """The database the test session uses, migrated to head."""
    if not configured_url:
        url = f"sqlite+aiosqlite:///{scratch / 'test.db'}"
        migrate(url)
        yield url
    elif make_url(configured_url).get_backend_name() == "postgresql":
        with postgresql_test_database(configured_url) as url:
            migrate(url)
            yield url
    else:
        migrate(configured_url)
        yield configured_url
