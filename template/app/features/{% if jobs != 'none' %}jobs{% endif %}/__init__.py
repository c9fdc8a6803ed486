"""Background jobs and domain events: the API side (outbox hook, enqueueing); app.worker runs them.

install(app) turns on the outbox hook (item writes record their events in the same transaction)
and puts a JobsRuntime on `app.state.jobs` for handlers that enqueue tasks. The API never waits
for the broker at start-up and /readyz does not check it: an unreachable broker only fails the
requests that enqueue directly, while item writes keep succeeding and their events wait in the
outbox for the worker.
"""

from __future__ import annotations

from fastapi import FastAPI

from app.features.jobs.outbox import install_outbox_hook
from app.features.jobs.runtime import JobsRuntime
from app.features.jobs.settings import JobsSettings

INSTALL_ORDER = 60


def install(app: FastAPI) -> None:
    install_outbox_hook()
    runtime = JobsRuntime(JobsSettings(), app.state.database)
    app.state.jobs = runtime

    async def disconnect() -> None:
        await runtime.stop()

    app.state.lifecycle.on_shutdown("disconnecting from the task broker", disconnect)
