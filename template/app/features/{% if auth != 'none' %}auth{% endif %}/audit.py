"""The audit log: who did what, when, from where, with what outcome. Append-only.

The service only inserts rows (`AuditLog.record`); nothing in it updates or deletes them. For a
log the database itself protects, grant the service's role INSERT and SELECT only on
`audit_events` (the runbook shows the statement).

Never pass a secret: no token, password, code or key goes in any field. `credential_id` is a
token's jti or an API key's id, `reason` a short word such as "expired" or "wrong_password".
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import select

from app.core.database import Database
from app.core.logging import get_logger
from app.core.problems import request_id_of
from app.features.auth.models import AuditEvent
from app.features.auth.principal import Principal

logger = get_logger("app.audit")


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


class AuditLog:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def record(self, entry: AuditEntry) -> None:
        """Insert one row in its own transaction (it stays even if the caller's rolls back)."""
        async with self._database.writing() as session:
            session.add(AuditEvent(**entry.__dict__))
            await session.commit()
        logger.info("audit", action=entry.action, outcome=entry.outcome, subject=entry.subject)

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
