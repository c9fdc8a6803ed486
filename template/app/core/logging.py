"""Structured logging: structlog for our events, the same renderer for stdlib loggers (uvicorn)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Mapping
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from app.core.settings import Settings

REDACTED = "[REDACTED]"
SENSITIVE_KEY_PARTS = ("password", "token", "secret", "authorization", "cookie", "email", "api_key")
# Marks the handler we install so reconfiguring replaces only ours (pytest's capture stays put).
_HANDLER_NAME = "app.structured"
# Processors features add to every log line (e.g. trace ids); run after the context is merged.
FeatureProcessor = Callable[[WrappedLogger, str, EventDict], EventDict]
_feature_processors: list[FeatureProcessor] = []


def _is_sensitive(key: object) -> bool:
    lowered = str(key).lower()
    return any(part in lowered for part in SENSITIVE_KEY_PARTS)


def _redact_value(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {
            key: REDACTED if _is_sensitive(key) else _redact_value(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_redact_value(item) for item in value]
    return value


def redact_sensitive(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """Replace values under keys that look secret or personal, at any nesting depth."""
    return {
        key: REDACTED if key != "event" and _is_sensitive(key) else _redact_value(value)
        for key, value in event_dict.items()
    }


def add_log_processor(processor: FeatureProcessor) -> None:
    """Run `processor` on every log line from now on (features call this from install())."""
    if processor not in _feature_processors:
        _feature_processors.append(processor)


def _run_feature_processors(logger: WrappedLogger, method: str, event_dict: EventDict) -> EventDict:
    # Looked up per line rather than baked into the configuration, so a feature installed after
    # configure_logging (and loggers cached before it) still gets its processor applied.
    for processor in _feature_processors:
        event_dict = processor(logger, method, event_dict)
    return event_dict


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        _run_feature_processors,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_sensitive,
    ]


def wants_json(settings: Settings) -> bool:
    if settings.log.format == "auto":
        return settings.is_production
    return settings.log.format == "json"


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """Route structlog and stdlib logging through one renderer at LOG_LEVEL; safe to call again."""
    renderer: Processor
    if wants_json(settings):
        renderer = structlog.processors.JSONRenderer()
        exception_formatter: list[Processor] = [structlog.processors.format_exc_info]
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=False)
        exception_formatter = []

    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared_processors(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )

    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=_shared_processors(),
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                *exception_formatter,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    for existing in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(existing)
    root.addHandler(handler)
    # APP_DEBUG is the development switch for "show me everything" (production refuses it).
    root.setLevel("DEBUG" if settings.app.debug else settings.log.level)

    # Uvicorn's own loggers propagate to the root handler; its access log is replaced by ours.
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    """A structured logger; module loggers are named after their module."""
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger
