"""The outbox relay: sends unsent events to the broker in outbox order and marks them sent.

At least once: an event is marked sent only after the broker accepted it, so a crash between the
two sends it again (consumers are idempotent by event id). Relays in several workers take turns
on PostgreSQL (SELECT ... FOR UPDATE), which keeps each item's events in order.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime

from sqlalchemy import func, select

from app.core.logging import get_logger
from app.core.orm import utcnow
from app.features.jobs.events import DELIVER_TASK, EventEnvelope
from app.features.jobs.models import OutboxEvent
from app.features.jobs.runtime import JobsRuntime

logger = get_logger("app.jobs.outbox")


def envelope_of(row: OutboxEvent) -> EventEnvelope:
    return EventEnvelope(
        event_id=row.event_id,
        event_type=row.event_type,
        aggregate_type=row.aggregate_type,
        aggregate_id=row.aggregate_id,
        sequence=row.sequence,
        occurred_at=row.occurred_at,
        data=row.payload,
    )


class OutboxRelay:
    def __init__(self, runtime: JobsRuntime) -> None:
        self.runtime = runtime
        self.settings = runtime.settings
        # Healthy until the first failure; readiness reports the last error.
        self.last_error: str | None = None

    async def relay_once(self) -> int:
        """Send one batch; returns how many events were sent."""
        runtime = self.runtime
        send_timeout = max(self.settings.outbox_poll_seconds * 5, 1.0)
        sent = 0
        async with runtime.database.writing() as session:
            query = (
                select(OutboxEvent)
                .where(OutboxEvent.sent_at.is_(None))
                .order_by(OutboxEvent.id)
                .limit(self.settings.outbox_batch_size)
                .with_for_update()
            )
            rows = (await session.scalars(query)).all()
            try:
                for row in rows:
                    envelope = envelope_of(row).model_dump(mode="json")
                    labels = {"traceparent": row.traceparent} if row.traceparent else {}
                    await asyncio.wait_for(
                        runtime.enqueue_with_labels(
                            DELIVER_TASK, envelope, task_id=f"event-{row.event_id}", labels=labels
                        ),
                        send_timeout,
                    )
                    row.sent_at = utcnow()
                    sent += 1
            finally:
                # Whatever the broker accepted is marked, even when a later send failed.
                await session.commit()
        return sent

    async def run(self, stop: asyncio.Event) -> None:
        """Relay until `stop` is set; broker errors are logged and retried at the next poll."""
        while not stop.is_set():
            try:
                sent = await self.relay_once()
                self.last_error = None
            except Exception as error:  # the broker or the database is down: keep the rows
                sent = 0
                if self.last_error is None:
                    logger.warning("outbox relay failed; retrying", error=repr(error))
                self.last_error = repr(error)
            if sent < self.settings.outbox_batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.settings.outbox_poll_seconds)

    async def backlog(self) -> tuple[int, float]:
        """Unsent events and the age in seconds of the oldest (0 when none)."""
        async with self.runtime.database.reading() as session:
            count, oldest = (
                await session.execute(
                    select(func.count(), func.min(OutboxEvent.occurred_at)).where(
                        OutboxEvent.sent_at.is_(None)
                    )
                )
            ).one()
        return int(count), _age_seconds(oldest)


def _age_seconds(oldest: datetime | str | None) -> float:
    if oldest is None:
        return 0.0
    if isinstance(oldest, str):  # SQLite hands aggregate results back as text
        oldest = datetime.fromisoformat(oldest)
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=utcnow().tzinfo)
    return max((utcnow() - oldest).total_seconds(), 0.0)
