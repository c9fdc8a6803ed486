"""Domain events as they travel from the outbox to consumers: the schema (version 1) and dispatch.

The envelope is the contract with consumers, inside this service or elsewhere; docs/features/jobs.md
describes it. Add fields freely (consumers ignore unknown ones); renaming or removing one means a
new `schema_version`, with consumers accepting both for a release.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from app.core.logging import get_logger
from app.features.jobs.registry import job

logger = get_logger("app.jobs.events")

DELIVER_TASK = "events.deliver"
SCHEMA_VERSION = 1


class EventEnvelope(BaseModel):
    schema_version: Literal[1] = 1
    event_id: str = Field(description="UUID; the same on every delivery of this event")
    event_type: str = Field(description="e.g. item.created, item.updated, item.deleted")
    aggregate_type: str = Field(description="What changed, e.g. item")
    aggregate_id: str
    sequence: int = Field(description="The aggregate's version after the change; 1, 2, 3, ...")
    occurred_at: datetime = Field(description="Commit time of the change (UTC)")
    data: dict[str, Any] = Field(description="The aggregate as it is after the change")


Consumer = Callable[[EventEnvelope], Awaitable[None]]
_consumers: dict[str, tuple[frozenset[str], Consumer]] = {}


def consumer(name: str, *event_types: str) -> Callable[[Consumer], Consumer]:
    """Register `func` to receive the events of these types (all of them when none are named)."""

    def register(func: Consumer) -> Consumer:
        _consumers[name] = (frozenset(event_types), func)
        return func

    return register


@job(DELIVER_TASK, max_attempts=10)
async def deliver_event(envelope: dict[str, Any]) -> None:
    """Hand one relayed event to every consumer subscribed to its type (each is idempotent)."""
    event = EventEnvelope.model_validate(envelope)
    for name, (types, func) in _consumers.items():
        if not types or event.event_type in types:
            logger.debug("event delivered", consumer=name, event_id=event.event_id)
            await func(event)
