"""Database spans: one client span per statement, child of the request's span.

Our own rather than opentelemetry-instrumentation-sqlalchemy: its 0.66b1 release instruments only
SQLAlchemy < 2.1, so with the SQLAlchemy 2.1 the service installs it recorded 0 spans per
statement (benchmarks/tracing_spans.py). Ours recorded 1, for 24.7 CPU us a statement inside a
recorded request (35.9 against 11.2 uninstrumented, in-memory SQLite) and 5.8 us outside any span.
"""

from __future__ import annotations

from typing import Any

from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer
from sqlalchemy import event
from sqlalchemy.engine import Engine

_SPANS_KEY = "tracing_spans"
OPERATIONS = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE", "BEGIN", "COMMIT", "ROLLBACK"})


def operation_of(statement: str) -> str:
    head = statement.lstrip()[:8].split(None, 1)
    keyword = head[0].upper() if head else ""
    return keyword if keyword in OPERATIONS else "SQL"


def instrument_engine(engine: Engine, tracer: Tracer) -> None:
    """Trace `engine`'s statements run inside a recorded span (once per engine).

    Statements outside any request (startup, migrations) or in a trace the sampler dropped are
    not traced, so they cost one context lookup.
    """
    if getattr(engine, "_app_tracing", False):
        return
    engine._app_tracing = True  # type: ignore[attr-defined]
    system = engine.dialect.name
    database = engine.url.database or ""

    def before(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not trace.get_current_span().is_recording():
            return
        span = tracer.start_span(
            f"{operation_of(statement)} {database}".strip(),
            kind=SpanKind.CLIENT,
            attributes={
                "db.system": system,
                "db.name": database,
                # The statement as sent, with placeholders: parameter values never reach a span.
                "db.statement": statement,
            },
        )
        conn.info.setdefault(_SPANS_KEY, []).append(span)

    def after(conn: Any, *_args: Any) -> None:
        spans = conn.info.get(_SPANS_KEY)
        if spans:
            spans.pop().end()

    def on_error(exception_context: Any) -> None:
        connection = exception_context.connection
        spans = connection.info.get(_SPANS_KEY) if connection is not None else None
        if spans:
            span = spans.pop()
            error = exception_context.original_exception
            span.record_exception(error)
            span.set_status(Status(StatusCode.ERROR, type(error).__name__))
            span.end()

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    event.listen(engine, "handle_error", on_error)
