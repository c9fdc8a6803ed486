"""The auth feature's access policy for domain routes: authenticate, consult the table, own.

Installed on `app.state.access_policy` (app/core/access.py), so the items routes, which only
name their action, get authentication (401), the permission table (403), ownership for "own"
grants and an audit row for every write, allowed or refused.
"""

from __future__ import annotations

from fastapi import Request
from sqlalchemy import select

from app.core.database import Database
from app.core.errors import ServiceError
from app.features.auth.audit import AuditLog, entry_for
from app.features.auth.dependencies import principal_from_request
from app.features.auth.errors import Forbidden
from app.features.auth.models import ItemOwner
from app.features.auth.permissions import Permission, scope_for
from app.items.dependencies import MAX_ID
from app.items.models import Item

READ_ACTIONS = frozenset({Permission.ITEMS_READ})


def valid_item_id(raw: str | None) -> int | None:
    """The path's item id when it is one the route accepts; otherwise the route answers (422).

    The policy runs before FastAPI validates the path, so it must not trust the raw text.
    """
    if raw is None or not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None


class AuthAccessPolicy:
    def __init__(self, database: Database, audit_log: AuditLog) -> None:
        self._database = database
        self._audit = audit_log

    async def check(self, request: Request, action: str) -> None:
        permission = Permission(action)
        item_id = request.path_params.get("item_id")
        resource = None if item_id is None else f"items/{item_id}"
        try:
            principal = await principal_from_request(request)
            scope = scope_for(principal.roles, permission)
            if scope is None:
                raise Forbidden()
            owned_id = valid_item_id(item_id)
            if scope == "own" and owned_id is not None:
                await self._check_owner(owned_id, principal.subject)
        except ServiceError as refused:
            if permission not in READ_ACTIONS:
                principal_now = getattr(request.state, "principal", None)
                await self._audit.record(
                    entry_for(
                        request,
                        action,
                        "denied"
                        if refused.status_code == Forbidden.status_code
                        else "unauthenticated",
                        principal=principal_now,
                        resource=resource,
                    )
                )
            raise
        if permission not in READ_ACTIONS:
            await self._audit.record(
                entry_for(request, action, "allowed", principal=principal, resource=resource)
            )

    async def _check_owner(self, item_id: int, subject: str) -> None:
        async with self._database.reading() as session:
            owner = await session.scalar(
                select(ItemOwner.owner).where(ItemOwner.item_id == item_id)
            )
            if owner is None:
                exists = await session.scalar(select(Item.id).where(Item.id == item_id))
                if exists is None:
                    return  # the route answers 404 as for anyone
        if owner != subject:
            raise Forbidden("Members may change only the items they created.")

    async def created(self, request: Request, resource: str, resource_id: int) -> None:
        principal = await principal_from_request(request)
        entry = entry_for(
            request,
            "items:created",
            "ok",
            principal=principal,
            resource=f"{resource}/{resource_id}",
        )
        async with self._database.writing() as session:
            session.add(ItemOwner(item_id=resource_id, owner=principal.subject))
            self._audit.add(session, entry)
            await session.commit()
