"""One process's jobs runtime: its broker with every declared task, the database, dead letters.

The API builds one at start-up (it connects to the broker only when a request enqueues a task, so
an unreachable broker never stops the API); the worker builds one too and tasks reach it through
`current()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
from collections.abc import Callable
from typing import Any

from taskiq import AsyncBroker
from taskiq.kicker import AsyncKicker

from app.core.database import Database
from app.features import joins
from app.features.jobs.broker import create_broker
from app.features.jobs.dead_letters import DeadLetters
from app.features.jobs.middleware import RetryThenDeadLetter
from app.features.jobs.registry import declared_jobs
from app.features.jobs.settings import JobsSettings

# Modules whose @job and @consumer declarations every process registers. Add yours here.
TASK_MODULES = ("app.features.jobs.events", "app.features.jobs.example_tasks")

_current: JobsRuntime | None = None
START_TIMEOUT_SECONDS = 5.0

# Labels every enqueued task carries from this process (the tracing feature adds traceparent).
current_labels: Callable[[], dict[str, Any]] = dict


class JobsRuntime:
    def __init__(self, settings: JobsSettings, database: Database, *, worker: bool = False) -> None:
        for module in TASK_MODULES:
            importlib.import_module(module)
        # With tracing: tasks and events carry the trace of who sent them.
        joins.propagate_jobs_trace_context()
        self.settings = settings
        self.database = database
        self.worker = worker
        self.specs = declared_jobs()
        self.dead_letters = DeadLetters(database)
        self.broker = self._new_broker()
        self._started = False
        self._lock = asyncio.Lock()

    def _new_broker(self) -> AsyncBroker:
        broker = create_broker(self.settings)
        broker.is_worker_process = self.worker
        broker.add_middlewares(RetryThenDeadLetter(self.settings, self.specs, self.dead_letters))
        if self.worker:
            # Task counters (metrics) and spans (tracing), when the service has those features.
            broker.add_middlewares(*joins.jobs_worker_middlewares())
        for spec in self.specs.values():
            broker.register_task(spec.func, task_name=spec.name)
        return broker

    async def start(self) -> None:
        """Connect to the broker (once; after a failed attempt, with a fresh broker client)."""
        async with self._lock:
            if self._started:
                return
            try:
                # Bounded: some clients retry an unreachable server for minutes by default.
                await asyncio.wait_for(self.broker.startup(), START_TIMEOUT_SECONDS)
            except BaseException:
                await self._replace_broker()
                raise
            self._started = True

    async def reset(self) -> None:
        """Drop the connection after a broker failure; the next start() connects anew."""
        async with self._lock:
            self._started = False
            await self._replace_broker()

    async def _replace_broker(self) -> None:
        # Not every client can connect again once closed or cancelled mid-connect (nats-py's
        # cannot), so a failed broker object is replaced, not restarted.
        old, self.broker = self.broker, self._new_broker()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(old.shutdown(), 1.0)

    async def stop(self) -> None:
        async with self._lock:
            if self._started:
                self._started = False
                await self.broker.shutdown()

    async def enqueue(
        self, task_name: str, *args: Any, task_id: str | None = None, **kwargs: Any
    ) -> str:
        """Send the task to the broker; returns its id (pass your own id to make it idempotent)."""
        if task_name not in self.specs:
            raise LookupError(f"no task named {task_name!r}; declare it with @job")
        return await self.enqueue_with_labels(task_name, *args, task_id=task_id, **kwargs)

    async def enqueue_with_labels(
        self,
        task_name: str,
        *args: Any,
        task_id: str | None = None,
        labels: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> str:
        """enqueue() with labels of the caller's (a replay's, the relay's trace context)."""
        await self.start()
        kicker: AsyncKicker[Any, Any] = AsyncKicker(
            task_name=task_name, broker=self.broker, labels={**current_labels(), **(labels or {})}
        )
        if task_id is not None:
            kicker = kicker.with_task_id(task_id)
        sent = await kicker.kiq(*args, **kwargs)
        return str(sent.task_id)


def set_current(runtime: JobsRuntime | None) -> None:
    global _current
    _current = runtime


def current() -> JobsRuntime:
    """The runtime of this process (tasks use it for the database)."""
    if _current is None:
        raise RuntimeError("no jobs runtime in this process; the worker or the app sets it")
    return _current
