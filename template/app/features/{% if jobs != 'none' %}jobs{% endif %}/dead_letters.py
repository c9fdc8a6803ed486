"""Dead letters: tasks that failed their last attempt, kept in the database to inspect, replay."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from taskiq import TaskiqMessage

from app.core.database import Database
from app.core.orm import utcnow
from app.features.jobs.middleware import ATTEMPT_LABEL
from app.features.jobs.models import DeadLetter

if TYPE_CHECKING:
    from app.features.jobs.runtime import JobsRuntime


class DeadLetters:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def add(self, message: TaskiqMessage, *, attempts: int, error: str) -> None:
        async with self.database.writing() as session:
            session.add(
                DeadLetter(
                    task_id=message.task_id,
                    task_name=message.task_name,
                    args=list(message.args),
                    kwargs=dict(message.kwargs),
                    labels={k: v for k, v in message.labels.items() if k != ATTEMPT_LABEL},
                    attempts=attempts,
                    error=error[:10000],
                )
            )
            await session.commit()

    async def waiting(self, limit: int = 100) -> Sequence[DeadLetter]:
        """Dead letters not replayed yet, oldest first."""
        async with self.database.reading() as session:
            query = (
                select(DeadLetter)
                .where(DeadLetter.replayed_at.is_(None))
                .order_by(DeadLetter.id)
                .limit(limit)
            )
            return (await session.scalars(query)).all()

    async def count_waiting(self) -> int:
        async with self.database.reading() as session:
            query = select(func.count()).where(DeadLetter.replayed_at.is_(None))
            return int(await session.scalar(query) or 0)

    async def replay(self, runtime: JobsRuntime, dead_letter_id: int) -> DeadLetter:
        """Enqueue the task again with the same id and a fresh set of attempts."""
        async with self.database.writing() as session:
            letter = await session.get(DeadLetter, dead_letter_id, with_for_update=True)
            if letter is None:
                raise LookupError(f"no dead letter with id {dead_letter_id}")
            if letter.replayed_at is not None:
                raise LookupError(f"dead letter {dead_letter_id} was replayed already")
            labels: dict[str, Any] = {**letter.labels, ATTEMPT_LABEL: "1"}
            await runtime.enqueue_with_labels(
                letter.task_name,
                *letter.args,
                task_id=letter.task_id,
                labels=labels,
                **letter.kwargs,
            )
            letter.replayed_at = utcnow()
            await session.commit()
            return letter
