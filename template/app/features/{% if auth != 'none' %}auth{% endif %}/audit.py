"""The audit log: who did what, when, from where, with what outcome. Append-only.

The service only inserts rows; nothing in it updates or deletes them. For a log the database
itself protects, grant the service's role INSERT and SELECT only on `audit_events` (the runbook
shows the statement). Two ways to write one:

- `AuditLog.add(session, entry)`: in the transaction of the change the event describes (an item
  and its owner, a role change, a login's counters and refresh token). Row and change commit
  together or not at all, and the event costs no connection or transaction of its own, which
  under load is what keeps the pool from filling with audit writes.
- `AuditLog.record(entry)`: in a transaction of its own, for an event with no transaction to
  join (a refused write, an admin's command), or one that must stay when the caller's rolls back.

Never pass a secret: no token, password, code or key goes in any field. `credential_id` is a
token's jti or an API key's id, `reason` a short word such as "expired" or "wrong_password".
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.core.database import Database
from app.core.logging import get_logger
from app.core.problems import request_id_of
from app.features.auth.models import AuditEvent
from app.features.auth.principal import Principal

logger = get_logger("app.audit")
# Entries added to a session, logged once it commits (session.info[PENDING]).
PENDING = "audit_pending"


@dataclass(frozen=True)
class AuditEntry:
    action: str
    outcome: str
    subject: str | None = None
    credential_id: str | None = None
    resource: str | None = None
    reason: str | None = None
    client_ip: str | None = None
    request_id: str | None = None


def entry_for(
    request: Request,
    action: str,
    outcome: str,
    *,
    principal: Principal | None = None,
    subject: str | None = None,
    resource: str | None = None,
    reason: str | None = None,
) -> AuditEntry:
    """An entry for this request: the client address and request id come from it."""
    return AuditEntry(
        action=action,
        outcome=outcome,
        subject=principal.subject if principal is not None else subject,
        credential_id=principal.credential_id if principal is not None else None,
        resource=resource,
        reason=reason,
        client_ip=request.client.host if request.client is not None else None,
        request_id=request_id_of(request.scope),
    )


def _log(entry: AuditEntry) -> None:
    logger.info("audit", action=entry.action, outcome=entry.outcome, subject=entry.subject)


@event.listens_for(Session, "after_commit")
def _log_committed(session: Session) -> None:
    for entry in session.info.pop(PENDING, ()):
        _log(entry)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(PENDING, None)


class AuditLog:
    def __init__(self, database: Database) -> None:
        self._database = database

    def add(self, session: AsyncSession, entry: AuditEntry) -> None:
        """Add the row to the caller's transaction: it is written when the caller commits."""
        session.add(AuditEvent(**entry.__dict__))
        session.info.setdefault(PENDING, []).append(entry)

    async def record(self, entry: AuditEntry) -> None:
        """Insert one row in its own transaction (it stays even if the caller's rolls back)."""
        async with self._database.writing() as session:
            self.add(session, entry)
            await session.commit()

    async def recent(self, limit: int) -> list[AuditEvent]:
        async with self._database.reading() as session:
            query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
            return list((await session.scalars(query)).all())


def audit_log(request: Request) -> AuditLog:
    log = request.app.state.audit_log
    assert isinstance(log, AuditLog)  # noqa: S101 - set by the auth feature's install
    return log


async def audit(request: Request, action: str, outcome: str, **fields: str | None) -> None:
    """Record an event of this request (fields: subject, resource, reason)."""
    principal = getattr(request.state, "principal", None)
    await audit_log(request).record(
        entry_for(request, action, outcome, principal=principal, **fields)
    )
