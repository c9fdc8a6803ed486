"""Database metrics: statement durations by operation, and pool gauges kept current on each use."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.features.metrics.instruments import (
    DB_POOL_CHECKED_OUT,
    DB_POOL_MAX_OVERFLOW,
    DB_POOL_OVERFLOW,
    DB_POOL_SIZE,
    DB_QUERY_DURATION,
)

OPERATIONS = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE", "BEGIN", "COMMIT", "ROLLBACK"})
_STARTED_KEY = "metrics_query_started"


def operation_of(statement: str) -> str:
    """The statement's leading keyword if it is a common one, else OTHER (bounded label values)."""
    head = statement.lstrip()[:8].split(None, 1)
    keyword = head[0].upper() if head else ""
    return keyword if keyword in OPERATIONS else "OTHER"


def _before_execute(conn: Any, _cursor: Any, _statement: str, *_args: Any) -> None:
    conn.info.setdefault(_STARTED_KEY, []).append(time.perf_counter())


def _after_execute(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    started = conn.info.get(_STARTED_KEY)
    if started:
        DB_QUERY_DURATION.labels(operation_of(statement)).observe(
            time.perf_counter() - started.pop()
        )


def _on_error(context: Any) -> None:
    # A failed statement never reaches after_cursor_execute; drop its start time all the same.
    connection = context.connection
    if connection is not None and connection.info.get(_STARTED_KEY):
        connection.info[_STARTED_KEY].pop()


def instrument_engine(engine: Engine, max_overflow: int) -> None:
    """Time every statement of `engine` and publish its pool's state (once per engine)."""
    if event.contains(engine, "before_cursor_execute", _before_execute):
        return
    event.listen(engine, "before_cursor_execute", _before_execute)
    event.listen(engine, "after_cursor_execute", _after_execute)
    event.listen(engine, "handle_error", _on_error)

    pool = engine.pool
    if not hasattr(pool, "checkedout"):
        # SQLite uses a connection per use (NullPool): there is no pool to report.
        return

    def publish(returning: int) -> None:
        current = engine.pool
        DB_POOL_CHECKED_OUT.set(current.checkedout() - returning)  # type: ignore[attr-defined]
        # overflow() counts up from -size while the pool fills; only connections above it count.
        DB_POOL_OVERFLOW.set(max(0, current.overflow()))  # type: ignore[attr-defined]

    def on_checkout(*_args: Any) -> None:
        publish(returning=0)

    def on_checkin(*_args: Any) -> None:
        # Fired before the pool takes the connection back, so it still counts as checked out.
        publish(returning=1)

    DB_POOL_SIZE.set(pool.size())  # type: ignore[attr-defined]
    DB_POOL_MAX_OVERFLOW.set(max_overflow)
    publish(returning=0)
    event.listen(engine, "checkout", on_checkout)
    event.listen(engine, "checkin", on_checkin)
