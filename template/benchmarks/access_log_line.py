"""Benchmark: one access-log line as the service writes it, against a route through stdlib logging.

"ours" is app.core.logging as configured in production (JSON): structlog runs the processors,
renders and writes the line. "stdlib_route" is the other common setup, with the same processors
and renderer: structlog hands a LogRecord to stdlib logging and structlog's ProcessorFormatter
renders it in the handler. "dropped" is a line below LOG_LEVEL, the floor. All write to
/dev/null, with a request id bound as in a request.
Run: uv run python benchmarks/access_log_line.py
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TextIO

import structlog
from structlog.typing import Processor
from timing import cpu_us, report

from app.core import logging as app_logging
from app.core.settings_check import check_or_exit

CALLS = 20_000
LINE = {
    "method": "GET",
    "route": "/items/{item_id}",
    "path": "/items/1",
    "status": 200,
    "duration_ms": 1.23,
    "client": "127.0.0.1",
}


def stdlib_route(stream: TextIO) -> structlog.stdlib.BoundLogger:
    """The same processors and renderer, routed through a stdlib handler and formatter."""
    handler = logging.StreamHandler(stream)
    renderer = structlog.processors.JSONRenderer()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    stdlib_logger = logging.getLogger("benchmark.stdlib_route")
    stdlib_logger.propagate = False
    stdlib_logger.addHandler(handler)
    stdlib_logger.setLevel(logging.INFO)
    processors: list[Processor] = [
        structlog.stdlib.filter_by_level,
        structlog.stdlib.add_logger_name,
        *app_logging._shared_processors(),
        structlog.processors.StackInfoRenderer(),
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ]
    logger: structlog.stdlib.BoundLogger = structlog.wrap_logger(
        stdlib_logger, processors=processors, wrapper_class=structlog.stdlib.BoundLogger
    )
    return logger


def main() -> None:
    os.environ.update(APP_ENV="test", LOG_FORMAT="json", LOG_LEVEL="INFO")
    settings = check_or_exit(env_file=None).settings
    with Path(os.devnull).open("w", encoding="utf-8") as devnull:
        app_logging.configure_logging(settings, stream=devnull)
        ours = app_logging.get_logger("app.access")
        other = stdlib_route(devnull)
        app_logging.REQUEST_ID.set("9f2c1d0e9a8b7c6d5e4f3a2b1c0d9e8f")
        lines = {
            "ours": lambda: ours.info("request", **LINE),
            "stdlib_route": lambda: other.info("request", **LINE),
            "dropped": lambda: ours.debug("request", **LINE),
        }
        results = {name: {"cpu_us_per_line": cpu_us(line, CALLS)} for name, line in lines.items()}
    report("one JSON access-log line, in process, written to /dev/null", {"results": results})


if __name__ == "__main__":
    main()
