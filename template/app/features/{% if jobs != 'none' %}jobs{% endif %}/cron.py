"""Cron expressions of scheduled jobs: validation and the tick a moment belongs to (croniter)."""

from __future__ import annotations

from datetime import datetime

from croniter import croniter


def check_cron(expression: str) -> str:
    """The expression stripped (empty: schedule off); refuses what croniter cannot parse."""
    expression = expression.strip()
    if expression and not croniter.is_valid(expression, second_at_beginning=False):
        raise ValueError(
            f"{expression!r} is not a cron expression; use five fields like '0 3 * * *' "
            "(minute hour day month weekday, UTC) or six with seconds last, or leave it empty"
        )
    return expression


def current_tick(expression: str, now: datetime) -> datetime:
    """The latest scheduled moment at or before `now` (the tick a run at `now` belongs to)."""
    schedule = croniter(expression, now, second_at_beginning=False)
    if croniter.match(expression, now.replace(microsecond=0)):
        return now.replace(microsecond=0)
    tick: datetime = schedule.get_prev(datetime)
    return tick
