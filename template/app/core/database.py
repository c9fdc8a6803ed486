"""Async SQLAlchemy engine and sessions, tuned per backend (PostgreSQL pool, SQLite file)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from app.core.about import about
from app.core.settings import DatabaseSettings


def engine_options(url: URL, settings: DatabaseSettings) -> dict[str, Any]:
    """create_async_engine keyword arguments for this backend."""
    if url.get_backend_name() == "sqlite":
        # A fresh connection per use: cheap for a file, and an unreachable file shows up at once
        # (a pooled handle would keep answering after the file's directory went away).
        return {
            "poolclass": NullPool,
            "connect_args": {"timeout": settings.pool_timeout_seconds},
        }
    options: dict[str, Any] = {
        "pool_size": settings.pool_size,
        "max_overflow": settings.max_overflow,
        "pool_timeout": settings.pool_timeout_seconds,
        "pool_recycle": settings.pool_recycle_seconds,
        "pool_pre_ping": settings.pool_pre_ping,
    }
    if url.get_driver_name() == "asyncpg":
        options["connect_args"] = {
            # Waiting for a new connection is bounded like waiting for a pooled one.
            "timeout": settings.pool_timeout_seconds,
            "server_settings": {
                "statement_timeout": str(settings.statement_timeout_ms),
                "application_name": about().name[:63],
            },
        }
    return options


def prepare_sqlite_file(url: URL) -> None:
    """Create the directory of a SQLite file database (SQLite creates only the file)."""
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run while one writer commits; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_engine(settings: DatabaseSettings) -> AsyncEngine:
    url = make_url(settings.resolved_url)
    if url.get_backend_name() == "sqlite":
        prepare_sqlite_file(url)
    engine = create_async_engine(url, **engine_options(url, settings))
    if url.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


class Database:
    """The engine and session factory of one application instance."""

    def __init__(self, settings: DatabaseSettings) -> None:
        self.engine = create_engine(settings)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    async def ping(self) -> None:
        """Round-trip to the database; raises if it cannot answer."""
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request; services commit explicitly."""
    database: Database = request.app.state.database
    async with database.sessionmaker() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
