"""Shutdown state the server and the app share: has the drain deadline passed?"""

from __future__ import annotations

import asyncio

# Retry-After of a request cut short by shutdown: another instance should be taking traffic.
SHUTDOWN_RETRY_AFTER_SECONDS = 1
SHUTDOWN_DETAIL = "The server is shutting down and could not finish this request; retry it."


class DrainDeadline:
    """Set once the server stops waiting for in-flight requests and is about to cancel them.

    A request cancelled after that is answered 503 (app.core.middleware.unhandled_errors) instead
    of uvicorn's bare 500 and traceback. Any other cancellation is left alone.
    """

    def __init__(self) -> None:
        self.passed = False
        self._timer: asyncio.TimerHandle | None = None

    def start(self, seconds: float) -> None:
        """Count down from now; the server's own cancellation follows just after."""
        self._timer = asyncio.get_running_loop().call_later(seconds, self._pass)

    def _pass(self) -> None:
        self.passed = True

    def reset(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = None
        self.passed = False


# One server per process serves one app, so the process-wide deadline is the app's.
drain_deadline = DrainDeadline()
