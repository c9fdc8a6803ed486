"""Async SQLAlchemy engine and sessions, tuned per backend (PostgreSQL pool, SQLite file)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import event, exc, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from app.core.about import about
from app.core.breaker import CircuitBreaker
from app.core.database_outage import DatabaseBreakerOpen, DatabaseUnavailable, outage_reason
from app.core.settings import DatabaseSettings
from app.core.turns import Turns


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
        # asyncpg gets a cheaper check of its own (see check_on_checkout).
        "pool_pre_ping": settings.pool_pre_ping and url.get_driver_name() != "asyncpg",
    }
    if url.get_driver_name() == "asyncpg":
        options["connect_args"] = {
            # Waiting for a new connection is bounded like waiting for a pooled one.
            "timeout": settings.pool_timeout_seconds,
            # The server enforces statement_timeout, but only while it can still talk to us: a
            # network path gone silent mid-query would leave the request waiting for ever.
            "command_timeout": client_statement_timeout(settings),
            "server_settings": {
                "statement_timeout": str(settings.statement_timeout_ms),
                "application_name": about().name[:63],
            },
        }
    return options


# The client gives up this long after the server's own statement timeout should have answered.
CLIENT_TIMEOUT_MARGIN_SECONDS = 1.0


def client_statement_timeout(settings: DatabaseSettings) -> float | None:
    """Seconds the driver waits for any answer (None when DATABASE_STATEMENT_TIMEOUT_MS is 0)."""
    if settings.statement_timeout_ms == 0:
        return None
    return settings.statement_timeout_ms / 1000 + CLIENT_TIMEOUT_MARGIN_SECONDS


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


# A connection returned to the pool less than this long ago is used without a ping round trip:
# under load that spares one per request. A connection the server closed in the meantime (a
# restart, an idle reaper) is still caught, because asyncpg has already seen its socket close.
PING_AFTER_IDLE_SECONDS = 1.0
_RETURNED_AT = "shipyard_returned_at"


def _note_return(_dbapi_connection: Any, record: Any) -> None:
    record.info[_RETURNED_AT] = time.monotonic()


def check_on_checkout(timeout_seconds: float) -> Any:
    """A pool checkout listener that replaces dead asyncpg connections before they are used.

    It stands in for pool_pre_ping, which wraps its asyncpg ping in BEGIN and ROLLBACK: three
    round trips per checkout, more than the query it guards. Here a closed socket costs nothing
    to notice and an idle connection gets one SELECT 1. A failure is handled as pool_pre_ping
    handles it: this connection and every older one are replaced.
    """

    def check(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        driver = dbapi_connection.driver_connection
        try:
            if driver.is_closed():
                raise ConnectionError("the server closed the connection")
            idle = time.monotonic() - record.info.get(_RETURNED_AT, 0.0)
            if idle > PING_AFTER_IDLE_SECONDS:
                dbapi_connection.run_async(
                    lambda connection: connection.execute("SELECT 1", timeout=timeout_seconds)
                )
        except Exception as error:
            raise exc.InvalidatePoolError(f"pooled connection is dead: {error!r}") from error

    return check


def create_engine(settings: DatabaseSettings) -> AsyncEngine:
    url = make_url(settings.resolved_url)
    if url.get_backend_name() == "sqlite":
        prepare_sqlite_file(url)
    engine = create_async_engine(url, **engine_options(url, settings))
    if url.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    if url.get_driver_name() == "asyncpg" and settings.pool_pre_ping:
        event.listen(engine.sync_engine, "checkin", _note_return)
        check = check_on_checkout(settings.health_timeout_seconds)
        event.listen(engine.sync_engine, "checkout", check)
    return engine


@asynccontextmanager
async def _outages_reported(
    breaker: CircuitBreaker | None, *, convert: bool = True
) -> AsyncIterator[None]:
    """Outages become DatabaseUnavailable (unless not `convert`) and count for the breaker."""
    if breaker is not None and not breaker.allow():
        # Open: fail fast, without a connection attempt, until the next half-open trial.
        raise DatabaseBreakerOpen(breaker.describe(), breaker.retry_after())
    try:
        yield
    except DatabaseUnavailable as error:
        if breaker is not None:
            breaker.failure(error)
        raise
    except Exception as error:
        reason = outage_reason(error, from_database=True)
        if reason is None:
            raise
        if breaker is not None:
            breaker.failure(error)
        if not convert:
            raise
        raise DatabaseUnavailable(reason) from error
    if breaker is not None:
        breaker.success()


class Database:
    """The engine of one application instance and its two kinds of session.

    `writing()` sessions run in a transaction that the caller commits: use them to change data.
    `reading()` sessions run each statement on its own (autocommit): no BEGIN or ROLLBACK round
    trip around a read, and a single SELECT still sees one consistent snapshot. `reading_rows()`
    is the same without a Session, for Core queries whose rows are all a read needs. A read
    that needs several statements to agree with each other belongs in a transaction. All wait
    their turn for a connection in arrival order (app.core.turns); the engine does not.
    An outage inside any of them (refused, dropped, timed out, locked) leaves it as
    DatabaseUnavailable, which the API answers with 503 and Retry-After. A feature may set
    `breaker` (app.core.breaker): while it is open, they fail fast without connecting.
    """

    def __init__(self, settings: DatabaseSettings) -> None:
        self.engine = create_engine(settings)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        self.breaker: CircuitBreaker | None = None
        self.read_engine = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self.read_sessionmaker = async_sessionmaker(self.read_engine, expire_on_commit=False)
        # SQLite opens a connection per use (no pool to wait for).
        self._turns = (
            None
            if settings.is_sqlite
            else Turns(settings.pool_size + settings.max_overflow, settings.pool_timeout_seconds)
        )

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A read session, once it is this request's turn for a connection."""
        async with self._session(self.read_sessionmaker) as session:
            yield session

    @asynccontextmanager
    async def reading_rows(self) -> AsyncIterator[AsyncConnection]:
        """A read connection for Core queries, once it is this request's turn for a connection.

        Like `reading()`, without a Session: for reads that need rows, not ORM objects. Building
        and closing the Session was about 100 us of CPU of a GET /items/{id} (about 750 against
        855 us, benchmarks/asgi_cpu.py of the shipyard template repository).
        """
        async with (
            _outages_reported(self.breaker),
            self._turn(),
            self.read_engine.connect() as rows,
        ):
            yield rows

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncSession]:
        """A write session (commit it), once it is this request's turn for a connection."""
        async with self._session(self.sessionmaker) as session:
            yield session

    @asynccontextmanager
    async def _session(
        self, maker: async_sessionmaker[AsyncSession]
    ) -> AsyncIterator[AsyncSession]:
        async with _outages_reported(self.breaker), self._turn(), maker() as session:
            yield session

    def _turn(self) -> AbstractAsyncContextManager[None]:
        return self._turns.turn() if self._turns is not None else nullcontext()

    async def ping(self) -> None:
        """Round-trip to the database; raises if it cannot answer.

        Through the breaker like a session: it fails at once while open, and once the open
        period is over it may be the half-open trial, so readiness recovers without traffic.
        """
        # Readiness shows the driver's own error, so it is not converted.
        breaker = _outages_reported(self.breaker, convert=False)
        async with breaker, self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
