"""Runs the app under uvicorn (uvloop + httptools) with a logged, bounded graceful shutdown."""

from __future__ import annotations

import functools
import signal
import socket
from types import FrameType
from typing import Any, NoReturn

import uvicorn

from app.core.http_protocol import BoundedHttpToolsProtocol
from app.core.logging import get_logger
from app.core.settings import Settings

logger = get_logger("app.server")
APP_FACTORY = "app.main:create_app"


class GracefulServer(uvicorn.Server):
    """uvicorn's server, logging each step of its shutdown.

    On SIGTERM/SIGINT uvicorn closes the listening sockets (new connections are refused), lets
    in-flight requests finish for up to timeout_graceful_shutdown seconds, then runs the lifespan
    shutdown, where the app closes its database pool.
    """

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if not self.should_exit:
            logger.info(
                "shutdown signal received",
                signal=signal.Signals(sig).name,
                grace_seconds=self.config.timeout_graceful_shutdown,
            )
        super().handle_exit(sig, frame)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        logger.info(
            "stopped accepting connections; waiting for in-flight requests",
            in_flight=len(self.server_state.tasks),
        )
        await super().shutdown(sockets=sockets)
        logger.info("server stopped")


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn settings shared by the single-process and the multi-worker mode."""
    return {
        "factory": True,
        "host": settings.app.host,
        "port": settings.app.port,
        "workers": settings.app.workers,
        "loop": "uvloop",
        # httptools with a bounded request head (431); a partial of a module-level class still
        # pickles, as the multi-worker supervisor needs.
        "http": functools.partial(
            BoundedHttpToolsProtocol,
            max_header_bytes=settings.security.max_request_header_bytes,
            max_header_count=settings.security.max_request_header_count,
        ),
        # The app resolves the client from APP_TRUSTED_PROXIES (core.middleware.client_address);
        # uvicorn's own handling would also believe X-Forwarded-For from 127.0.0.1 by default.
        "proxy_headers": False,
        "lifespan": "on",
        "timeout_graceful_shutdown": settings.app.shutdown_timeout_seconds,
        # Our structlog configuration and access log replace uvicorn's.
        "log_config": None,
        "access_log": False,
        "server_header": False,
    }


def _exit_after_graceful_stop(sig: int, _frame: FrameType | None) -> NoReturn:
    # uvicorn re-raises the signal that stopped it once it has shut down cleanly; answering that
    # with a normal exit makes a graceful stop exit 0 instead of dying "killed by SIGTERM".
    raise SystemExit(0)


def serve(settings: Settings, app: str = APP_FACTORY) -> None:
    """Serve the app factory `app` ("module:function") until SIGTERM or SIGINT."""
    logger.info(
        "starting server",
        host=settings.app.host,
        port=settings.app.port,
        workers=settings.app.workers,
        env=settings.app.env,
    )
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _exit_after_graceful_stop)
    if settings.app.workers > 1:
        # uvicorn's supervisor forwards the signal to each worker, which drains the same way.
        uvicorn.run(app, **server_options(settings))
        return
    GracefulServer(uvicorn.Config(app, **server_options(settings))).run()
