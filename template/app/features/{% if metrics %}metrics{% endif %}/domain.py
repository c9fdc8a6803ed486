"""Counts domain events (items created and deleted) published by the services."""

from __future__ import annotations

from typing import Any

from app.core.events import subscribe
from app.features.metrics.instruments import ITEMS_CREATED, ITEMS_DELETED
from app.items.service import ITEM_CREATED, ITEM_DELETED


def _count_created(**_data: Any) -> None:
    ITEMS_CREATED.inc()


def _count_deleted(**_data: Any) -> None:
    ITEMS_DELETED.inc()


def count_domain_events() -> None:
    subscribe(ITEM_CREATED, _count_created)
    subscribe(ITEM_DELETED, _count_deleted)
