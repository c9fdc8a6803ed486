"""Idempotency by task id: a task id that finished once is acknowledged again, never run twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from taskiq import TaskiqMessage, TaskiqResult
from taskiq.acks import AckController
from taskiq.receiver import Receiver

from app.core.database import Database
from app.core.logging import get_logger
from app.features.jobs.models import FinishedTask

logger = get_logger("app.jobs")


class FinishedTasks:
    """The ids of tasks that completed (a table, so every worker and restart sees them)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def contains(self, task_id: str) -> bool:
        async with self.database.reading() as session:
            query = select(FinishedTask.task_id).where(FinishedTask.task_id == task_id)
            return await session.scalar(query) is not None

    async def add(self, task_id: str, task_name: str) -> None:
        try:
            async with self.database.writing() as session:
                session.add(FinishedTask(task_id=task_id, task_name=task_name))
                await session.commit()
        except IntegrityError:
            pass  # two deliveries of one id finished at once: the first one's row stands


class IdempotentReceiver(Receiver):
    """taskiq's Receiver, skipping task ids that already finished (a redelivery, a replay)."""

    def __init__(self, *args: Any, finished: FinishedTasks, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.finished = finished

    async def run_task(
        self,
        target: Callable[..., Any],
        message: TaskiqMessage,
        ack_controller: AckController | None = None,
    ) -> TaskiqResult[Any]:
        if await self.finished.contains(message.task_id):
            logger.info(
                "task already finished; skipped", task=message.task_name, task_id=message.task_id
            )
            return TaskiqResult(is_err=False, log=None, return_value=None, execution_time=0.0)
        result = await super().run_task(target, message, ack_controller)
        if not result.is_err:
            await self.finished.add(message.task_id, message.task_name)
        return result
