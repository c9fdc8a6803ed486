"""An overall deadline per request: past it the request is cancelled and answered 504."""

from __future__ import annotations

import asyncio
import contextvars

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.logging import get_logger
from app.core.openapi_contract import SharedResponse
from app.core.problems import note_log_reason, problem_response

logger = get_logger("app.resilience")
GATEWAY_TIMEOUT = 504
# Probes answer on their own timeouts; a stream of events may rightly outlive any deadline.
EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
DEADLINE_EXCEEDED = SharedResponse(
    GATEWAY_TIMEOUT,
    "The request took longer than RESILIENCE_REQUEST_DEADLINE_SECONDS and was abandoned",
    except_paths=EXEMPT_PATHS,
)
# When the current request must be answered (event-loop time); outgoing calls stop by then.
REQUEST_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "request_deadline", default=None
)


def remaining_seconds() -> float | None:
    """Seconds left before the current request's deadline; None outside a request with one."""
    deadline = REQUEST_DEADLINE.get()
    if deadline is None:
        return None
    return deadline - asyncio.get_running_loop().time()


class DeadlineMiddleware:
    """Cancels the route after `seconds`; a 504 problem if no response had started by then."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        started = False

        async def track(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        deadline = asyncio.timeout(self.seconds)
        token = REQUEST_DEADLINE.set(asyncio.get_running_loop().time() + self.seconds)
        try:
            async with deadline:
                await self.app(scope, receive, track)
        except TimeoutError:
            if not deadline.expired() or started:
                # Not ours, or half a response is on the wire: nothing to answer here.
                raise
            note_log_reason(scope, f"deadline of {self.seconds}s exceeded")
            response = problem_response(
                scope,
                GATEWAY_TIMEOUT,
                f"The request did not finish within {self.seconds:g} seconds; "
                "it was abandoned. Retry later or with a smaller request.",
            )
            await response(scope, receive, send)
        finally:
            REQUEST_DEADLINE.reset(token)
