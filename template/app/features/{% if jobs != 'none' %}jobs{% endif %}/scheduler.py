"""Cron schedules from settings, run once per tick however many workers are up.

Each worker checks the schedules a few times a second. The worker that inserts the row
(schedule, tick) into jobs_schedule_ticks enqueues the job in the same transaction; the others get
a unique-key conflict and skip. If the broker refuses the job the insert rolls back and the tick
is tried again at the next check.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from app.core.logging import get_logger
from app.core.orm import utcnow
from app.features.jobs.cron import current_tick
from app.features.jobs.example_tasks import PURGE_TASK
from app.features.jobs.models import ScheduleTick
from app.features.jobs.runtime import JobsRuntime

logger = get_logger("app.jobs.scheduler")
CHECK_INTERVAL_SECONDS = 0.2
KEEP_TICKS_FOR = timedelta(days=7)


@dataclass(frozen=True)
class Schedule:
    name: str
    cron: str
    task_name: str


def schedules_from(runtime: JobsRuntime) -> list[Schedule]:
    """The schedules the settings turn on (an empty cron expression turns one off)."""
    settings = runtime.settings
    candidates = [Schedule("purge-deleted-items", settings.purge_cron, PURGE_TASK)]
    return [schedule for schedule in candidates if schedule.cron]


class Scheduler:
    def __init__(self, runtime: JobsRuntime) -> None:
        self.runtime = runtime
        self.schedules = schedules_from(runtime)
        self.started_at = utcnow()
        self._done: dict[str, datetime] = {}

    async def check_once(self, now: datetime | None = None) -> list[str]:
        """Claim and enqueue every due tick; returns the names of the schedules this worker ran."""
        now = now or utcnow()
        ran = []
        for schedule in self.schedules:
            tick = current_tick(schedule.cron, now)
            # Ticks from before this worker started are not caught up; each runs once from now on.
            if (
                tick < self.started_at.replace(microsecond=0)
                or self._done.get(schedule.name) == tick
            ):
                continue
            if await self._claim(schedule, tick):
                ran.append(schedule.name)
            self._done[schedule.name] = tick
        return ran

    async def _claim(self, schedule: Schedule, tick: datetime) -> bool:
        database = self.runtime.database
        try:
            async with database.writing() as session:
                session.add(ScheduleTick(schedule=schedule.name, tick=tick))
                await session.flush()
                await session.execute(
                    delete(ScheduleTick).where(
                        ScheduleTick.schedule == schedule.name,
                        ScheduleTick.tick < tick - KEEP_TICKS_FOR,
                    )
                )
                await self.runtime.enqueue(
                    schedule.task_name, task_id=f"schedule-{schedule.name}-{tick.isoformat()}"
                )
                await session.commit()
        except IntegrityError:
            return False  # another worker claimed this tick
        logger.info("scheduled job enqueued", schedule=schedule.name, tick=tick.isoformat())
        return True

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.check_once()
            except Exception as error:  # broker or database down: the tick is tried again
                logger.warning("schedule check failed; retrying", error=repr(error))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), CHECK_INTERVAL_SECONDS)
