"""ASGI middleware that verifies a request's bearer token once, before the routes run.

Middleware that runs before routing (rate limiting keys its general limit by user when there is
one, app.features.rate_limit.client_identity) cannot wait for the routes' dependencies, so the
caller is resolved here: a token that verifies puts its Principal on the request state as
`principal` (what `dependencies.principal_from_request` reads, so it is verified only once) and
as `user`; a refused one leaves its reason there, so the route answers 401 without verifying it
again. Any other failure (the database down: a ServiceError) is kept for the route's dependency
to raise, so the API answers it as usual (503) after one wait for the database, not two.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.errors import ServiceError
from app.features.auth.verification import CredentialRejected, verifier_registry

PRINCIPAL = "principal"
REJECTED = "principal_rejected"
FAILED = "principal_failed"
USER = "user"


def bearer_token(scope: Scope) -> str | None:
    scheme, _, token = Headers(scope=scope).get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class RequestPrincipalMiddleware:
    def __init__(self, app: ASGIApp, service: FastAPI) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = bearer_token(scope) if scope["type"] == "http" else None
        if token is not None:
            state = scope.setdefault("state", {})
            try:
                principal = await verifier_registry(self.service).verify(token)
            except CredentialRejected as rejected:
                state[REJECTED] = rejected.reason
            except ServiceError as error:
                state[FAILED] = error
            else:
                state[PRINCIPAL] = state[USER] = principal
        await self.app(scope, receive, send)
