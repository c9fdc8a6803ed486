"""Example tasks and an example event consumer: copy these shapes for your own.

- A task is an async function declared with @job("<area>.<what>"); enqueue it with
  `await request.app.state.jobs.enqueue("<name>", ...)` (arguments must be JSON) or, for a change
  that must not be lost, write a domain event instead (the outbox relays it).
- A consumer receives events; deliveries are at least once, so it is idempotent by event id, and
  applies each item's events in order (a later one waits, by failing and retrying, for its
  predecessor).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.logging import get_logger
from app.core.orm import utcnow
from app.features.jobs.events import EventEnvelope, consumer
from app.features.jobs.models import OutboxEvent, ProcessedEvent
from app.features.jobs.registry import job
from app.features.jobs.runtime import current
from app.items.models import Item

logger = get_logger("app.jobs.example")

PURGE_TASK = "maintenance.purge_deleted_items"
EXAMPLE_CONSUMER = "item-activity"


class OutOfOrder(Exception):
    """An event arrived before its predecessor; retried, by which time the predecessor is in."""


@job("notifications.item_created", timeout_seconds=30)
async def notify_item_created(item_id: int) -> None:
    """Stands in for an e-mail or webhook: slow, fallible work kept out of the request."""
    logger.info("would notify about a new item", item_id=item_id)


@job(PURGE_TASK, timeout_seconds=600)
async def purge_deleted_items() -> int:
    """Remove items soft-deleted longer ago than JOBS_PURGE_RETENTION_DAYS; returns how many."""
    runtime = current()
    cutoff = utcnow() - timedelta(days=runtime.settings.purge_retention_days)
    async with runtime.database.writing() as session:
        result = await session.execute(
            delete(Item).where(Item.deleted_at.is_not(None), Item.deleted_at < cutoff)
        )
        await session.commit()
    purged = int(result.rowcount or 0)  # type: ignore[attr-defined]
    logger.info("purged soft-deleted items", purged=purged, deleted_before=cutoff.isoformat())
    return purged


@consumer(EXAMPLE_CONSUMER, "item.created", "item.updated", "item.deleted")
async def record_item_activity(event: EventEnvelope) -> None:
    """Idempotent, in-order consumer: each event is applied once, an item's events in sequence."""
    database = current().database
    async with database.writing() as session:
        seen = await session.scalar(
            select(func.count()).where(
                ProcessedEvent.consumer == EXAMPLE_CONSUMER,
                ProcessedEvent.event_id == event.event_id,
            )
        )
        if seen:
            logger.info("event already applied; skipped", event_id=event.event_id)
            return
        if await _predecessor_pending(session, event):
            raise OutOfOrder(f"{event.event_type} {event.aggregate_id}#{event.sequence} came early")
        # Apply the event here (update a read model, call a partner) in this same transaction.
        session.add(
            ProcessedEvent(
                consumer=EXAMPLE_CONSUMER,
                event_id=event.event_id,
                aggregate_id=event.aggregate_id,
                sequence=event.sequence,
            )
        )
        try:
            await session.commit()
        except IntegrityError:  # a concurrent delivery of the same event won
            await session.rollback()


async def _predecessor_pending(session: AsyncSession, event: EventEnvelope) -> bool:
    """Whether the outbox has the aggregate's previous event, not yet applied by this consumer."""
    # The latest such event: SQLite may reuse the id of a purged item for a new one.
    previous = await session.scalar(
        select(OutboxEvent.event_id)
        .where(
            OutboxEvent.aggregate_type == event.aggregate_type,
            OutboxEvent.aggregate_id == event.aggregate_id,
            OutboxEvent.sequence == event.sequence - 1,
            OutboxEvent.occurred_at <= event.occurred_at,
        )
        .order_by(OutboxEvent.id.desc())
        .limit(1)
    )
    if previous is None:  # the first event, or history from before the outbox existed
        return False
    applied = await session.scalar(
        select(func.count()).where(
            ProcessedEvent.consumer == EXAMPLE_CONSUMER, ProcessedEvent.event_id == previous
        )
    )
    return not applied
