"""Telling "the database cannot answer now" apart from bugs, so outages become 503, not 500."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import exc

from app.core.errors import ServiceError

# How long clients are asked to wait before retrying (Retry-After). Short enough that a failover
# or a restart is noticed quickly, long enough that retries do not pile onto a recovering server.
RETRY_AFTER_SECONDS = 5
UNAVAILABLE_DETAIL = (
    f"The database is unavailable or too slow to answer; retry in {RETRY_AFTER_SECONDS} seconds."
)
# PostgreSQL SQLSTATEs meaning "not now": connection exceptions (class 08), statement timeout,
# operator intervention (shutdown, crash, starting up), too many connections, lock not available.
_TRANSIENT_SQLSTATES = ("57014", "57P01", "57P02", "57P03", "57P05", "53300", "55P03")
# SQLite result codes for a file that is locked, unreadable, unwritable or full. Not "no such
# table" and the like: those are bugs or a missing migration, and stay 500s.
_TRANSIENT_SQLITE = (
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_CANTOPEN",
    "SQLITE_READONLY",
    "SQLITE_IOERR",
    "SQLITE_FULL",
    "SQLITE_PROTOCOL",
)
MAX_REASON_LENGTH = 200


class DatabaseUnavailable(ServiceError):
    """The database could not answer in time; `reason` is for the log, never for the client."""

    status_code = 503

    def __init__(self, reason: str) -> None:
        super().__init__(
            UNAVAILABLE_DETAIL,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            log_reason=f"database unavailable: {reason}",
        )
        self.reason = reason


class DatabaseBreakerOpen(DatabaseUnavailable):
    """The database's circuit breaker is open: answered at once, retry when it half-opens."""

    def __init__(self, reason: str, retry_after_seconds: int) -> None:
        super().__init__(reason)
        self.detail = (
            "The database is unavailable; requests fail fast for now. "
            f"Retry in {retry_after_seconds} seconds."
        )
        self.headers = {"Retry-After": str(retry_after_seconds)}


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        if isinstance(orig, BaseException):
            current = orig
        else:
            current = current.__cause__ or current.__context__


def _describe(error: BaseException) -> str:
    # The innermost error names the cause; SQLAlchemy's own text would add the SQL statement.
    text = str(error).splitlines()[0] if str(error) else ""
    described = f"{type(error).__name__}: {text}" if text else type(error).__name__
    return described[:MAX_REASON_LENGTH]


def _is_transient(error: BaseException, *, raw_network: bool) -> bool:
    if isinstance(error, exc.TimeoutError):  # waiting for a pooled connection
        return True
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    sqlstate = getattr(error, "sqlstate", None)
    if isinstance(sqlstate, str) and (sqlstate[:2] == "08" or sqlstate in _TRANSIENT_SQLSTATES):
        return True
    sqlite_name = getattr(error, "sqlite_errorname", None)
    if isinstance(sqlite_name, str) and sqlite_name.startswith(_TRANSIENT_SQLITE):
        return True
    # Drivers raise plain socket errors and timeouts while connecting (refused, DNS failure, no
    # answer) or when a reply never comes; they mean an outage only when the database raised them.
    return raw_network and isinstance(error, OSError | TimeoutError)


def outage_reason(error: BaseException, *, from_database: bool = False) -> str | None:
    """Why `error` means the database cannot answer now (for the log), or None if it does not.

    `from_database` says the error came out of a database call, so plain network errors count.
    """
    if isinstance(error, DatabaseUnavailable):
        return error.reason
    chain = list(_chain(error))
    if any(_is_transient(link, raw_network=from_database) for link in chain):
        return _describe(chain[-1])
    return None
