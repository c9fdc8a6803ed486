"""Rate-limits OpenTelemetry's export log lines: one per interval while the collector is down."""

from __future__ import annotations

import logging
import threading
import time

# Where the OTLP/HTTP exporter and the batch span processor log a failed or dropped export.
EXPORT_LOGGERS = (
    "opentelemetry.exporter.otlp.proto.http.trace_exporter",
    "opentelemetry.exporter.otlp.common.http",
    "opentelemetry.sdk._shared_internal",
    "opentelemetry.sdk.trace.export",
)


class OncePerInterval(logging.Filter):
    """Lets one warning or error through per `interval` seconds, across every export logger.

    The exporter logs each retry and each failed batch, so a down collector would otherwise add
    lines in proportion to traffic. The line let through says how many were held back.
    """

    def __init__(self, interval: float) -> None:
        super().__init__()
        self.interval = interval
        self._lock = threading.Lock()  # exports run on the span processor's thread
        self._next_at = 0.0
        self._suppressed = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        with self._lock:
            now = time.monotonic()
            if now < self._next_at:
                self._suppressed += 1
                return False
            self._next_at = now + self.interval
            suppressed, self._suppressed = self._suppressed, 0
        if suppressed:
            record.msg = f"{record.getMessage()} ({suppressed} similar lines held back)"
            record.args = None
        return True


_installed: list[OncePerInterval] = []


def limit_export_logs(interval: float) -> OncePerInterval:
    """Install the filter on the export loggers (once per process; later calls reuse it)."""
    if _installed:
        return _installed[0]
    limiter = OncePerInterval(interval)
    for name in EXPORT_LOGGERS:
        logging.getLogger(name).addFilter(limiter)
    _installed.append(limiter)
    return limiter
