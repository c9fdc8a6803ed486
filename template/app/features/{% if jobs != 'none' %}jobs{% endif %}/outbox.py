"""Transactional outbox: item changes write their event in the same transaction; a relay sends them.

The hook point is SQLAlchemy's `after_flush` event on every ORM session, so app/items stays free
of the feature: whenever a flush inserts or updates an Item, an OutboxEvent row joins the same
transaction. Commit keeps both or neither; a rolled-back write leaves no event. To publish events
of another model, add it to EVENT_SOURCES.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, UOWTransaction

from app.core.orm import utcnow
from app.features.jobs.models import OutboxEvent
from app.items.models import Item


def item_data(item: Item) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "description": item.description,
        "price": str(item.price),
        "version": item.version,
        "created_at": item.created_at.isoformat(),
        "updated_at": item.updated_at.isoformat(),
        "deleted_at": item.deleted_at.isoformat() if item.deleted_at else None,
    }


# Model -> (aggregate type, its data for consumers); soft delete (deleted_at set) is "deleted".
EVENT_SOURCES: dict[type[Any], tuple[str, Callable[[Any], dict[str, Any]]]] = {
    Item: ("item", item_data),
}

# Returns the W3C traceparent of the current span, or None; the tracing feature sets it.
current_traceparent: Callable[[], str | None] = lambda: None  # noqa: E731


def _event_type(aggregate: str, instance: Any, created: bool) -> str:
    if created:
        return f"{aggregate}.created"
    history = (
        inspect(instance).attrs.deleted_at.history if hasattr(instance, "deleted_at") else None
    )
    if history is not None and history.added and history.added[0] is not None:
        return f"{aggregate}.deleted"
    return f"{aggregate}.updated"


def _record_events(session: Session, _context: UOWTransaction) -> None:
    rows = []
    changed = [(obj, True) for obj in session.new] + [
        (obj, False) for obj in session.dirty if session.is_modified(obj)
    ]
    for instance, created in changed:
        source = EVENT_SOURCES.get(type(instance))
        if source is None:
            continue
        aggregate, describe = source
        data = describe(instance)
        rows.append(
            {
                "event_id": str(uuid.uuid4()),
                "event_type": _event_type(aggregate, instance, created),
                "aggregate_type": aggregate,
                "aggregate_id": str(data["id"]),
                "sequence": int(data.get("version", 1)),
                "payload": data,
                "traceparent": current_traceparent(),
                "occurred_at": utcnow(),
            }
        )
    if rows:
        # Executed on the flush's own connection: part of the same transaction.
        session.connection().execute(insert(OutboxEvent), rows)


def install_outbox_hook() -> None:
    """Write outbox rows on every flush from now on (idempotent)."""
    if not event.contains(Session, "after_flush", _record_events):
        event.listen(Session, "after_flush", _record_events)
