"""The worker process: consumes tasks, relays the outbox, runs schedules, answers probes.

SIGTERM (or SIGINT) stops taking tasks, lets running ones finish for up to
JOBS_SHUTDOWN_TIMEOUT_SECONDS, then disconnects; deliveries it did not acknowledge go back to the
broker for another worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal

from taskiq.acks import AcknowledgeType

from app.core.database import Database
from app.core.logging import get_logger
from app.core.settings import Settings
from app.features import joins
from app.features.jobs.health import WorkerState, probe_server
from app.features.jobs.receiver import FinishedTasks, IdempotentReceiver
from app.features.jobs.relay import OutboxRelay
from app.features.jobs.runtime import JobsRuntime, set_current
from app.features.jobs.scheduler import Scheduler
from app.features.jobs.settings import JobsSettings

logger = get_logger("app.jobs.worker")
RECONNECT_SECONDS = 1.0


async def consume(runtime: JobsRuntime, state: WorkerState, stop: asyncio.Event) -> None:
    """Receive tasks until `stop`; a lost broker is reconnected to, not a crash."""
    settings = runtime.settings
    finished = FinishedTasks(runtime.database)
    while not stop.is_set():
        try:
            await runtime.start()
            receiver = IdempotentReceiver(
                runtime.broker,
                max_async_tasks=settings.concurrency,
                propagate_exceptions=False,
                run_startup=False,
                ack_type=AcknowledgeType.WHEN_SAVED,
                wait_tasks_timeout=settings.shutdown_timeout_seconds,
                finished=finished,
            )
            state.consuming = True
            await receiver.listen(stop)
        except Exception as error:
            logger.warning("consuming failed; reconnecting", error=repr(error))
            with_error = True
        else:
            with_error = False
        state.consuming = False
        if with_error:
            await runtime.reset()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RECONNECT_SECONDS)


async def run_worker(core: Settings, settings: JobsSettings) -> None:
    database = Database(core.database)
    flush_spans = joins.start_jobs_worker_tracing(core, database)
    runtime = JobsRuntime(settings, database, worker=True)
    set_current(runtime)
    relay = OutboxRelay(runtime)
    state = WorkerState(runtime, relay)
    stop = asyncio.Event()

    def request_stop() -> None:
        if not stop.is_set():
            logger.info(
                "stopping: finishing running tasks", timeout=settings.shutdown_timeout_seconds
            )
            state.stopping = True
            stop.set()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, request_stop)
    server = probe_server(state, settings.health_port) if settings.health_port else None
    background = [
        asyncio.create_task(relay.run(stop), name="outbox-relay"),
        asyncio.create_task(Scheduler(runtime).run(stop), name="scheduler"),
    ]
    if server is not None:
        background.append(asyncio.create_task(server.serve(), name="probes"))
    logger.info("worker started", queue=settings.queue, concurrency=settings.concurrency)
    try:
        await consume(runtime, state, stop)
    finally:
        if server is not None:
            server.should_exit = True
        await asyncio.gather(*background, return_exceptions=True)
        await runtime.stop()
        await database.dispose()
        set_current(None)
        if flush_spans is not None and not await asyncio.to_thread(flush_spans):
            logger.warning("spans not exported at shutdown")
        logger.info("worker stopped")
