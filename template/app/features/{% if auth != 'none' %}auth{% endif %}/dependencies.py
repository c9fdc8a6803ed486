"""FastAPI dependencies: `current_principal` (401) and `require(permission)` (403).

    @router.get("/reports", dependencies=[Depends(require(Permission.AUDIT_READ))])

`current_principal` reads `Authorization: Bearer <token>` (the OpenAPI "bearer" scheme, so /docs
can authorize), asks the app's VerifierRegistry for the principal, and answers 401 with
WWW-Authenticate when the token is missing or refused. `require` adds the permission table's
decision: 403 when none of the caller's roles grants the permission. Ownership ("own" scope) is
the caller's check: `require` returns the scope with the principal (`Grant`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.core.errors import ServiceError
from app.features.auth.errors import Forbidden, NotAuthenticated
from app.features.auth.permissions import Permission, Scope, scope_for
from app.features.auth.principal import Principal
from app.features.auth.verification import CredentialRejected, verifier_registry

bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    bearerFormat="JWT",
    description="An access token (POST /auth/login), or an API key",
)


@dataclass(frozen=True)
class Grant:
    principal: Principal
    scope: Scope


async def principal_from_request(request: Request) -> Principal:
    """The caller, verified; NotAuthenticated (401) otherwise. Cached on request.state."""
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    # Verified already by app.features.auth.request_principal: refused, or failed (503).
    rejected = getattr(request.state, "principal_rejected", None)
    if isinstance(rejected, str):
        raise NotAuthenticated(rejected)
    failed = getattr(request.state, "principal_failed", None)
    if isinstance(failed, ServiceError):
        raise failed
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated()
    try:
        principal = await verifier_registry(request.app).verify(token.strip())
    except CredentialRejected as rejected:
        raise NotAuthenticated(rejected.reason) from None
    request.state.principal = principal
    return principal


async def current_principal(
    request: Request,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    return await principal_from_request(request)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require(permission: Permission) -> Callable[..., Awaitable[Grant]]:
    """A dependency that lets the call through when the caller's roles grant `permission`."""

    async def dependency(principal: CurrentPrincipal) -> Grant:
        scope = scope_for(principal.roles, permission)
        if scope is None:
            raise Forbidden()
        return Grant(principal, scope)

    dependency.__name__ = f"require_{permission.value.replace(':', '_')}"
    return dependency
