"""Tables of the jobs feature: the event outbox, finished task ids, dead letters, schedule ticks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.orm import Base, UTCDateTime, utcnow

BIG_ID = BigInteger().with_variant(Integer(), "sqlite")


class OutboxEvent(Base):
    """A domain event written in the transaction of the change it describes; relayed later."""

    __tablename__ = "jobs_outbox"
    __table_args__ = (Index("ix_jobs_outbox_unsent", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    event_type: Mapped[str] = mapped_column(String(100))
    aggregate_type: Mapped[str] = mapped_column(String(100))
    aggregate_id: Mapped[str] = mapped_column(String(100))
    # The aggregate's version after the change: consumers apply an aggregate's events in order.
    sequence: Mapped[int] = mapped_column(Integer())
    payload: Mapped[dict[str, Any]] = mapped_column(JSON())
    # W3C traceparent of the request that made the change, so the trace continues in the worker.
    traceparent: Mapped[str | None] = mapped_column(String(55))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FinishedTask(Base):
    """A task id that completed: a second delivery of the same id is acknowledged, not run."""

    __tablename__ = "jobs_finished_tasks"

    task_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    task_name: Mapped[str] = mapped_column(String(200))
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DeadLetter(Base):
    """A task that failed its last attempt, kept with its arguments so it can be replayed."""

    __tablename__ = "jobs_dead_letters"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    task_id: Mapped[str] = mapped_column(String(200), index=True)
    task_name: Mapped[str] = mapped_column(String(200))
    args: Mapped[list[Any]] = mapped_column(JSON())
    kwargs: Mapped[dict[str, Any]] = mapped_column(JSON())
    labels: Mapped[dict[str, Any]] = mapped_column(JSON())
    attempts: Mapped[int] = mapped_column(Integer())
    error: Mapped[str] = mapped_column(Text())
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    replayed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ScheduleTick(Base):
    """One row per schedule and tick: the worker that inserts it runs the job, the others skip."""

    __tablename__ = "jobs_schedule_ticks"

    schedule: Mapped[str] = mapped_column(String(100), primary_key=True)
    tick: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProcessedEvent(Base):
    """Events a consumer has applied (idempotency by event id, order by aggregate sequence)."""

    __tablename__ = "jobs_processed_events"
    __table_args__ = (
        UniqueConstraint("consumer", "event_id"),
        Index("ix_jobs_processed_events_aggregate", "consumer", "aggregate_id"),
    )

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    consumer: Mapped[str] = mapped_column(String(100))
    event_id: Mapped[str] = mapped_column(String(36))
    aggregate_id: Mapped[str] = mapped_column(String(100))
    sequence: Mapped[int] = mapped_column(Integer())
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
