"""Operator commands behind `python -m app.worker dead-letters|replay`."""

from __future__ import annotations

import json
import sys

from app.core.database import Database
from app.core.settings import Settings
from app.features.jobs.runtime import JobsRuntime
from app.features.jobs.settings import JobsSettings


async def list_dead_letters(core: Settings, settings: JobsSettings, limit: int) -> None:
    """One JSON line per dead letter not replayed yet, oldest first."""
    database = Database(core.database)
    try:
        runtime = JobsRuntime(settings, database)
        for letter in await runtime.dead_letters.waiting(limit):
            line = {
                "id": letter.id,
                "task_id": letter.task_id,
                "task_name": letter.task_name,
                "attempts": letter.attempts,
                "failed_at": letter.failed_at.isoformat(),
                "error": letter.error,
                "args": letter.args,
                "kwargs": letter.kwargs,
            }
            sys.stdout.write(json.dumps(line) + "\n")
    finally:
        await database.dispose()


async def replay(core: Settings, settings: JobsSettings, dead_letter_id: int) -> int:
    """Enqueue one dead letter again; exit status 1 with a message when it cannot be."""
    database = Database(core.database)
    runtime = JobsRuntime(settings, database)
    try:
        letter = await runtime.dead_letters.replay(runtime, dead_letter_id)
    except LookupError as error:
        sys.stderr.write(f"{error}\n")
        return 1
    finally:
        await runtime.stop()
        await database.dispose()
    sys.stdout.write(f"replayed dead letter {letter.id} as task {letter.task_id}\n")
    return 0
