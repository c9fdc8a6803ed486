"""Who may call a domain route: a hook an auth feature fills in; everyone, by default.

Domain routes name the action they perform (`dependencies=[Depends(access("items:update"))]`)
and report what they created (`await created(request, "items", item.id)`). Without an auth
feature the policy on `app.state.access_policy` lets everything through and records nothing, so
the routes work, and document themselves, exactly as without this hook. An auth feature sets its
own policy (authentication, the permission table, ownership, audit).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from fastapi import Request

POLICY_STATE = "access_policy"


class AccessPolicy(Protocol):
    async def check(self, request: Request, action: str) -> None:
        """Raise a ServiceError (401, 403) when the caller may not perform `action` here."""
        ...

    async def created(self, request: Request, resource: str, resource_id: int) -> None:
        """The route created `resource_id` for the caller (an owner to record, an audit row)."""
        ...


class OpenAccess:
    async def check(self, request: Request, action: str) -> None:
        return None

    async def created(self, request: Request, resource: str, resource_id: int) -> None:
        return None


OPEN_ACCESS = OpenAccess()


def access_policy(request: Request) -> AccessPolicy:
    policy: AccessPolicy = getattr(request.app.state, POLICY_STATE, OPEN_ACCESS)
    return policy


def access(action: str) -> Callable[[Request], Awaitable[None]]:
    """A dependency that asks the app's policy whether the caller may perform `action`."""

    async def check_access(request: Request) -> None:
        await access_policy(request).check(request, action)

    check_access.__name__ = f"access_{action.replace(':', '_')}"
    return check_access


async def created(request: Request, resource: str, resource_id: int) -> None:
    await access_policy(request).created(request, resource, resource_id)
