"""GET /auth/audit: the latest audit rows, for admins."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict

from app.features.auth.audit import audit_log
from app.features.auth.dependencies import require
from app.features.auth.permissions import Permission

router = APIRouter(prefix="/auth", tags=["auth"])


class AuditRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    occurred_at: datetime
    action: str
    outcome: str
    subject: str | None
    credential_id: str | None
    client_ip: str | None
    request_id: str | None
    resource: str | None
    reason: str | None


@router.get(
    "/audit",
    response_model=list[AuditRead],
    summary="The latest audit events, newest first (admins only)",
    dependencies=[Depends(require(Permission.AUDIT_READ))],
)
async def list_audit_events(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=500, description="How many events")] = 100,
) -> list[AuditRead]:
    return [AuditRead.model_validate(row) for row in await audit_log(request).recent(limit)]
