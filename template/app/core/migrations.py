"""The schema versus the code's Alembic migrations: what is missing; upgrades in development."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

import app as app_package

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

# Alembic logs an INFO line per built-in plugin when it is first imported, which would be noise at
# every start; that is why alembic is imported inside the functions below, after this line.
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
VERSION_TABLE = "alembic_version"
# Reports name this many missing revisions, then how many more (readiness errors are kept short).
NAMED_REVISIONS = 5


class SchemaBehind(Exception):
    """The database lacks migrations the code needs."""


def alembic_config(database_url: str) -> Config:
    """The project's alembic.ini, aimed at `database_url` (the app's own logging left alone)."""
    # A checkout has alembic.ini next to app/; the image installs app/ into the venv and ships
    # alembic.ini and migrations/ in its working directory.
    from alembic.config import Config

    candidates = [Path(app_package.__file__).resolve().parents[1], Path.cwd()]
    for directory in candidates:
        if (directory / "alembic.ini").is_file():
            config = Config(str(directory / "alembic.ini"))
            config.attributes["database_url"] = database_url
            config.attributes["configure_logger"] = False
            return config
    searched = ", ".join(str(directory) for directory in candidates)
    raise SchemaBehind(f"alembic.ini not found (looked in {searched}): cannot check migrations")


def missing_revisions(script: ScriptDirectory, current: tuple[str, ...]) -> list[str]:
    """Revisions of `script` not applied to a database at `current`, oldest first.

    A current revision the scripts do not know is taken as newer code's migration (a rolling
    deploy): nothing is reported missing then, so the running version keeps serving.
    """
    from alembic.script.revision import RevisionError
    from alembic.util import CommandError

    try:
        applied = {revision.revision for revision in script.iterate_revisions(current, "base")}
    except (CommandError, RevisionError):
        return []
    every = [revision.revision for revision in script.walk_revisions()]
    return [revision for revision in reversed(every) if revision not in applied]


def describe_missing(script: ScriptDirectory, missing: list[str]) -> str:
    named = []
    for revision in missing:
        script_revision = script.get_revision(revision)
        named.append(f"{revision} ({script_revision.doc})" if script_revision else revision)
    listing = ", ".join(named[:NAMED_REVISIONS])
    if len(named) > NAMED_REVISIONS:
        listing += f" and {len(named) - NAMED_REVISIONS} more"
    return (
        f"database schema is behind the code, missing migrations: {listing}; "
        "apply them with `alembic upgrade heads` (make migrate)"
    )


class SchemaCheck:
    """A readiness probe: fails while the database lacks a migration, names what is missing.

    Once the schema is found current the answer is kept: migrations are applied before a release
    takes traffic, not while it serves, so later probes cost nothing.
    """

    def __init__(self, engine: AsyncEngine, database_url: str) -> None:
        self._engine = engine
        self._database_url = database_url
        self._script: ScriptDirectory | None = None
        self._current = False

    async def probe(self) -> None:
        if self._current:
            return
        if self._script is None:
            from alembic.script import ScriptDirectory

            self._script = ScriptDirectory.from_config(alembic_config(self._database_url))
        async with self._engine.connect() as connection:
            current = await connection.run_sync(_current_heads)
        missing = missing_revisions(self._script, current)
        if missing:
            raise SchemaBehind(describe_missing(self._script, missing))
        self._current = True


def _current_heads(connection: Connection) -> tuple[str, ...]:
    # Read directly rather than through alembic's MigrationContext, which logs on every use.
    if not inspect(connection).has_table(VERSION_TABLE):
        return ()
    rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))  # noqa: S608
    return tuple(str(row[0]) for row in rows)


def upgrade_to_head(database_url: str) -> None:
    """`alembic upgrade heads` on `database_url`, one process at a time (see migration_lock)."""
    from alembic import command

    with migration_lock(database_url):
        command.upgrade(alembic_config(database_url), "heads")


@contextmanager
def migration_lock(database_url: str) -> Iterator[None]:
    """Hold the lock of this database's migrations (processes on this machine take turns).

    Workers started together (APP_WORKERS > 1) would otherwise race to create the same tables;
    with the lock the second finds the schema at head and has nothing to do.
    """
    if sys.platform == "win32":
        yield
        return
    import fcntl

    digest = hashlib.sha256(database_url.encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"app-migrations-{digest}.lock"
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def install_development_migrations(app: FastAPI) -> None:
    """In development, upgrade the schema to head before the server takes its first request."""
    settings = app.state.settings
    if settings.app.env != "development":
        # Production and test apply migrations as a separate step (a release job, the fixtures).
        return
    url = settings.database.resolved_url

    async def upgrade() -> None:
        # migrations/env.py runs its own event loop, so it gets a thread of its own.
        await asyncio.to_thread(upgrade_to_head, url)

    app.state.lifecycle.on_startup("applying database migrations (APP_ENV=development)", upgrade)
