"""Structured logging: structlog renders and writes our events; stdlib ones (uvicorn) look the same.

Our events do not pass through stdlib logging. Handed to it as a LogRecord and rendered by
structlog's ProcessorFormatter, a JSON access-log line cost 28 us of CPU against 15 us rendered
and written by structlog itself (benchmarks/access_log_line.py). In a GET /items/{id} under
load, logging its line cost 130 us of CPU that way and 75 us this way (benchmarks/asgi_cpu.py
of the shipyard template repository, LOG_LEVEL=INFO against WARNING). The stdlib levels stay
the one switch: an event is dropped unless the stdlib logger of the same name is enabled for
its level (LOG_LEVEL on the root, or a level set on that logger).
"""

from __future__ import annotations

import contextvars
import functools
import logging
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from app.core.settings import Settings

# The id of the request being served (core.middleware.request_id sets it), on every line logged
# while serving it. A context variable of our own: structlog's bind_contextvars and
# reset_contextvars cost 0.8 us per request against 0.1 us for a set and reset of this one.
REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

REDACTED = "[REDACTED]"
SENSITIVE_KEY_PARTS = ("password", "token", "secret", "authorization", "cookie", "email", "api_key")
# Marks the handler we install so reconfiguring replaces only ours (pytest's capture stays put).
_HANDLER_NAME = "app.structured"
# Processors features add to every log line (e.g. trace ids); run after the context is merged.
FeatureProcessor = Callable[[WrappedLogger, str, EventDict], EventDict]
_feature_processors: list[FeatureProcessor] = []
# The processors of our events, replaced in place so loggers cached before a reconfiguration
# (module-level ones are cached on first use) run the new ones.
_pipeline: list[Processor] = []
# Lists that recorded_events() is filling.
_recorders: list[list[dict[str, Any]]] = []
_LEVEL_NUMBERS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "warn": logging.WARNING,
    "error": logging.ERROR,
    "exception": logging.ERROR,
    "critical": logging.CRITICAL,
    "fatal": logging.CRITICAL,
}


@functools.lru_cache(maxsize=1024)
def _is_sensitive(key: object) -> bool:
    # Cached: the same few keys come back on every line; checking them was a quarter of its cost.
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


def _drop_below_level(logger: WrappedLogger, method: str, event_dict: EventDict) -> EventDict:
    if not logging.getLogger(logger.name).isEnabledFor(_LEVEL_NUMBERS.get(method, logging.INFO)):
        raise structlog.DropEvent
    return event_dict


def _record(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    for recorder in _recorders:
        recorder.append(dict(event_dict))
    return event_dict


@contextmanager
def recorded_events() -> Iterator[list[dict[str, Any]]]:
    """The events logged while inside, as dicts after redaction (what the renderer gets)."""
    recorder: list[dict[str, Any]] = []
    _recorders.append(recorder)
    try:
        yield recorder
    finally:
        _recorders.remove(recorder)


def _add_request_id(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    request_id = REQUEST_ID.get()
    if request_id is not None:
        event_dict.setdefault("request_id", request_id)
    return event_dict


def _shared_processors() -> list[Processor]:
    """What every line gets, ours and stdlib's, after its logger's name."""
    return [
        structlog.contextvars.merge_contextvars,
        _add_request_id,
        _run_feature_processors,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_sensitive,
    ]


class _Output:
    """Where our lines go: the stream of the handler configure_logging installed last."""

    def __init__(self) -> None:
        self.handler: logging.StreamHandler[TextIO] | None = None

    def write(self, line: str) -> None:
        handler = self.handler
        if handler is None:  # nothing configured yet
            sys.stderr.write(line + "\n")
            return
        # The handler's lock keeps our lines and stdlib's whole.
        with handler.lock or nullcontext():
            try:
                handler.stream.write(line + "\n")
                handler.stream.flush()
            except Exception:  # as in a stdlib handler: logging never fails the caller
                handler.handleError(logging.makeLogRecord({"msg": line}))


_output = _Output()


class _NamedWriter:
    """The logger structlog wraps: it has a name (for levels and the `logger` key) and writes.

    It writes through the shared _output, so loggers cached before a reconfiguration (module
    loggers are cached on first use) follow it, e.g. to a test's stream.
    """

    def __init__(self, name: str = "") -> None:
        self.name = name

    def msg(self, message: str) -> None:
        _output.write(message)

    debug = info = warning = warn = error = exception = critical = fatal = log = msg


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

    _pipeline[:] = [
        _drop_below_level,
        structlog.stdlib.add_logger_name,
        *_shared_processors(),
        _record,
        structlog.processors.StackInfoRenderer(),
        *exception_formatter,
        renderer,
    ]
    structlog.configure(
        processors=_pipeline,
        logger_factory=_NamedWriter,
        # Every level reaches _drop_below_level, which asks stdlib logging.
        wrapper_class=structlog.make_filtering_bound_logger(logging.NOTSET),
        cache_logger_on_first_use=True,
    )

    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[structlog.stdlib.add_logger_name, *_shared_processors()],
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
    _output.handler = handler
    # APP_DEBUG is the development switch for "show me everything" (production refuses it).
    root.setLevel("DEBUG" if settings.app.debug else settings.log.level)

    # Uvicorn's own loggers propagate to the root handler; its access log is replaced by ours.
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True


def get_logger(name: str) -> structlog.typing.FilteringBoundLogger:
    """A structured logger; module loggers are named after their module."""
    logger: structlog.typing.FilteringBoundLogger = structlog.get_logger(name)
    return logger
