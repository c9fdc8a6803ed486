"""The one exception type for mistakes the user can fix, and how the CLI shows it: one line, exit 2."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

USER_ERROR_EXIT_CODE = 2


class ShipyardError(Exception):
    """A user-fixable problem (bad input, wrong directory); shown as its message alone, no traceback."""

    def __init__(self, message: str) -> None:
        # Messages may come from copier or validators spanning lines; the CLI promises one line.
        super().__init__(" ".join(message.split()))

    @property
    def message(self) -> str:
        return str(self.args[0])


@contextmanager
def user_errors() -> Iterator[None]:
    """Show a user-fixable error as one line on stderr and exit 2, without a traceback."""
    try:
        yield
    except ShipyardError as error:
        # Plain echo, not rich: rich wraps long lines, and the promise is exactly one line.
        typer.echo(f"error: {error.message}", err=True)
        raise typer.Exit(USER_ERROR_EXIT_CODE) from None
