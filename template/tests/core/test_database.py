"""Engine settings per backend, and the development default database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app.core.database import Database, engine_options
from app.core.settings import DatabaseSettings


def settings(**values: object) -> DatabaseSettings:
    return DatabaseSettings(_env_file=None, **values)  # type: ignore[arg-type]


def test_postgresql_pool_and_server_side_timeouts() -> None:
    options = engine_options(
        make_url("postgresql+asyncpg://app@db/app"),
        settings(pool_size=4, max_overflow=2, statement_timeout_ms=1500, pool_timeout_seconds=7),
    )
    assert options["pool_size"] == 4
    assert options["max_overflow"] == 2
    assert options["pool_timeout"] == 7
    assert options["pool_recycle"] == 1800
    # asyncpg connections are checked by app.core.database.check_on_checkout instead.
    assert options["pool_pre_ping"] is False
    assert options["connect_args"]["timeout"] == 7
    assert options["connect_args"]["server_settings"]["statement_timeout"] == "1500"
    # The client gives up too, a second after the server should have: a silent network is bounded.
    assert options["connect_args"]["command_timeout"] == 2.5


def test_no_client_timeout_when_the_statement_timeout_is_off() -> None:
    options = engine_options(
        make_url("postgresql+asyncpg://app@db/app"), settings(statement_timeout_ms=0)
    )
    assert options["connect_args"]["command_timeout"] is None


def test_other_drivers_get_pool_options_only() -> None:
    options = engine_options(make_url("postgresql+psycopg://app@db/app"), settings())
    assert "connect_args" not in options
    assert options["pool_pre_ping"] is True


def test_sqlite_opens_a_connection_per_use(tmp_path: Path) -> None:
    options = engine_options(make_url(f"sqlite+aiosqlite:///{tmp_path}/x.db"), settings())
    assert options["poolclass"] is NullPool
    assert "pool_size" not in options


async def test_development_default_is_a_sqlite_file_under_var(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    database = Database(settings())
    try:
        assert database.engine.url.render_as_string() == "sqlite+aiosqlite:///./var/app.db"
        assert (tmp_path / "var").is_dir(), "the directory SQLite cannot create is created"
        await database.ping()
        assert (tmp_path / "var" / "app.db").is_file()
    finally:
        await database.dispose()
