"""Authentication, authorization and audit, for every auth mode (local, oidc).

`install` sets up what the modes share: the verifier registry (verification.py), the audit log,
the access policy the items routes consult (policy.py, app/core/access.py), and the OpenAPI
security scheme on every endpoint of the permission table, and the middleware that verifies a
bearer token before routing (request_principal.py). Then it installs each provider
module present in this package: a module named `*_provider` with `install_provider(app)` (the
template adds `local_provider.py` for auth=local, `oidc_provider.py` for auth=oidc, and API
keys), which registers its verifier and routes. Nothing here names a mode.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from fastapi import FastAPI

from app.core.access import POLICY_STATE
from app.core.middleware import add_feature_middleware
from app.core.problems import PROBLEM_MEDIA_TYPE
from app.core.routes import mount_router
from app.features.auth.audit import AuditLog
from app.features.auth.audit_routes import router as audit_router
from app.features.auth.permissions import ENDPOINT_PERMISSIONS
from app.features.auth.policy import AuthAccessPolicy
from app.features.auth.request_principal import RequestPrincipalMiddleware
from app.features.auth.verification import verifier_registry

# Before rate limiting (30), so a provider can key limits by user; after metrics (20).
INSTALL_ORDER = 25
PROVIDER_SUFFIX = "_provider"
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}]


def provider_modules() -> list[Any]:
    """Every `*_provider` module of this package, sorted by name."""
    return [
        importlib.import_module(f"{__name__}.{module.name}")
        for module in sorted(pkgutil.iter_modules(__path__), key=lambda found: found.name)
        if module.name.endswith(PROVIDER_SUFFIX)
    ]


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


UNAUTHENTICATED = {
    **_problem("No bearer token, or one that is not valid (expired, revoked, forged)"),
    "headers": {
        "WWW-Authenticate": {
            "description": "Bearer, with error=invalid_token when a token was refused",
            "required": True,
            "schema": {"type": "string"},
        }
    },
}
FORBIDDEN = _problem("The caller's roles do not allow this (see the permission table)")


def document_security(schema: dict[str, Any]) -> None:
    """Mark every endpoint of the permission table as needing a bearer token (401, 403)."""
    for (method, path), _permission in ENDPOINT_PERMISSIONS.items():
        operation = schema.get("paths", {}).get(path, {}).get(method.lower())
        if operation is None:
            continue
        operation["security"] = SECURITY
        operation["responses"].setdefault("401", UNAUTHENTICATED)
        operation["responses"].setdefault("403", FORBIDDEN)


BEARER_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "JWT",
    "description": "An access token (POST /auth/login, or your identity provider's), or an API key",
}


def add_security_scheme(app: FastAPI) -> None:
    """Declare the bearer scheme in components, whichever routes a provider adds."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        schema = build()
        schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
        schemes.setdefault("bearer", BEARER_SCHEME)
        document_security(schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def install(app: FastAPI) -> None:
    verifier_registry(app)
    audit_log = AuditLog(app.state.database)
    app.state.audit_log = audit_log
    setattr(app.state, POLICY_STATE, AuthAccessPolicy(app.state.database, audit_log))
    mount_router(app, audit_router)
    for module in provider_modules():
        module.install_provider(app)
    add_security_scheme(app)
    # Ahead of the rate limiter's middleware (a feature installed later runs nearer the
    # routes): the token is verified before the limiter picks whom a request counts against.
    add_feature_middleware(app, RequestPrincipalMiddleware, service=app)
