"""A throwaway PostgreSQL database per render, made and dropped with the `psql` client (no driver needed)."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

from shipyard.process import run

SERVER_URL_VARIABLE = "SHIPYARD_TEST_DATABASE_URL"
DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


class PostgresUnavailableError(RuntimeError):
    """The test server cannot be used; the message says how to fix that."""


def server_url() -> str:
    return os.environ.get(SERVER_URL_VARIABLE) or DEFAULT_SERVER_URL


def with_database(url: str, database: str, scheme: str) -> str:
    """`url` pointing at `database`, with `scheme` (libpq wants postgresql://, the app postgresql+asyncpg://)."""
    parts = urlsplit(url)
    return urlunsplit((scheme, parts.netloc, f"/{database}", parts.query, ""))


def run_sql(sql: str, url: str | None = None) -> None:
    """Run one statement as the server URL's user; raise PostgresUnavailableError with a fix if it fails."""
    target = url or server_url()
    psql = shutil.which("psql")
    if psql is None:
        raise PostgresUnavailableError(
            "the PostgreSQL client `psql` is not installed; install it (Debian: postgresql-client)"
        )
    libpq_url = with_database(target, urlsplit(target).path.lstrip("/") or "postgres", "postgresql")
    completed = run(
        [psql, "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1", "--dbname", libpq_url, "--command", sql],
        env={**os.environ, "PGCONNECT_TIMEOUT": "5"},
        merge_stderr=False,
    )
    if not completed.passed:
        detail = " ".join(completed.stderr.split()) or f"psql exited with {completed.returncode}"
        raise PostgresUnavailableError(
            f"PostgreSQL at {target} cannot be used ({detail}); start it (.ci/run shows how) or set "
            f"{SERVER_URL_VARIABLE} to a server URL whose user may create databases"
        )


@contextmanager
def temporary_database() -> Iterator[str]:
    """Create `shipyard_t_<hex>` on the test server; yield its asyncpg URL; drop it afterwards."""
    name = f"shipyard_t_{secrets.token_hex(6)}"
    run_sql(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(server_url(), name, "postgresql+asyncpg")
    finally:
        # FORCE: a test that failed mid-way may leave connections open.
        run_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
