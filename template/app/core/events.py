"""Domain events: services announce what happened, features (metrics, audit) subscribe to it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.logging import get_logger

logger = get_logger("app.events")
Handler = Callable[..., None]

_subscribers: dict[str, list[Handler]] = {}


def subscribe(event: str, handler: Handler) -> None:
    """Call `handler(**data)` on every `publish(event, ...)`; subscribing twice has no effect."""
    handlers = _subscribers.setdefault(event, [])
    if handler not in handlers:
        handlers.append(handler)


def publish(event: str, **data: Any) -> None:
    """Tell the subscribers of `event`; a failing subscriber is logged, never fails the caller."""
    for handler in _subscribers.get(event, ()):
        try:
            handler(**data)
        except Exception:
            logger.exception("event subscriber failed", domain_event=event)
