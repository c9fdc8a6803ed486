"""Retries with exponential backoff, then a dead letter; every task gets a timeout.

taskiq's SmartRetryMiddleware re-sends a failed task with a `delay` label, which each broker
honours differently (RabbitMQ needs a delay queue or plugin, the Redis stream and NATS brokers
ignore it), and the original delivery is acknowledged before the retry is safely enqueued. This
middleware waits out the backoff in the worker and enqueues the next attempt before the failed
delivery is acknowledged (taskiq acknowledges after on_error), so a crash during the backoff only
causes a redelivery: nothing is lost. The wait holds one of JOBS_CONCURRENCY slots; backoffs are
meant to be seconds, not hours.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from taskiq import TaskiqMessage, TaskiqMiddleware, TaskiqResult
from taskiq.kicker import AsyncKicker

from app.core.logging import get_logger
from app.features.jobs.registry import JobSpec

if TYPE_CHECKING:
    from app.features.jobs.dead_letters import DeadLetters
    from app.features.jobs.settings import JobsSettings

logger = get_logger("app.jobs")
ATTEMPT_LABEL = "attempt"
MAX_ATTEMPTS_LABEL = "max_attempts"


class RetryThenDeadLetter(TaskiqMiddleware):
    def __init__(
        self, settings: JobsSettings, specs: dict[str, JobSpec], dead_letters: DeadLetters
    ) -> None:
        super().__init__()
        self.settings = settings
        self.specs = specs
        self.dead_letters = dead_letters

    def pre_send(self, message: TaskiqMessage) -> TaskiqMessage:
        spec = self.specs.get(message.task_name)
        labels = message.labels
        # Strings: NATS carries labels as message headers, which must be text.
        labels.setdefault(ATTEMPT_LABEL, "1")
        if "timeout" not in labels:
            timeout = spec.timeout_seconds if spec and spec.timeout_seconds else None
            labels["timeout"] = str(timeout or self.settings.task_timeout_seconds)
        if MAX_ATTEMPTS_LABEL not in labels:
            attempts = spec.max_attempts if spec and spec.max_attempts else None
            labels[MAX_ATTEMPTS_LABEL] = str(attempts or self.settings.max_attempts)
        return message

    def backoff_seconds(self, attempt: int) -> float:
        """Wait before attempt `attempt + 1`: the base doubled per attempt already made, capped."""
        delay = self.settings.retry_backoff_seconds * 2 ** (attempt - 1)
        return float(min(delay, self.settings.retry_backoff_max_seconds))

    async def on_error(
        self, message: TaskiqMessage, result: TaskiqResult[Any], exception: BaseException
    ) -> None:
        attempt = int(message.labels.get(ATTEMPT_LABEL, 1))
        max_attempts = int(message.labels.get(MAX_ATTEMPTS_LABEL, self.settings.max_attempts))
        error = f"{type(exception).__name__}: {exception}"
        if attempt >= max_attempts:
            logger.error(
                "task dead-lettered",
                task=message.task_name,
                task_id=message.task_id,
                attempts=attempt,
                error=error,
            )
            await self.dead_letters.add(message, attempts=attempt, error=error)
            return
        delay = self.backoff_seconds(attempt)
        logger.warning(
            "task failed; retrying",
            task=message.task_name,
            task_id=message.task_id,
            attempt=attempt,
            max_attempts=max_attempts,
            retry_in_seconds=delay,
            error=error,
        )
        await asyncio.sleep(delay)
        labels = {**message.labels, ATTEMPT_LABEL: str(attempt + 1)}
        kicker: AsyncKicker[Any, Any] = AsyncKicker(
            task_name=message.task_name, broker=self.broker, labels=labels
        )
        await kicker.with_task_id(message.task_id).kiq(*message.args, **message.kwargs)
