"""The one permission table: which role may do what, and to whose resources.

Every protected endpoint names one `Permission` (ENDPOINT_PERMISSIONS); every role grants a scope
per permission (ROLE_GRANTS): "any" resource, or only its "own" (the principal is the owner).
A permission a role does not list is refused (403). The tests walk this table cell by cell, so a
change here is a change of the tested behaviour, with nothing else to edit.
"""

from __future__ import annotations

import importlib.util
from enum import StrEnum
from typing import Literal

Scope = Literal["any", "own"]

ADMIN = "admin"
MEMBER = "member"
ROLES = (ADMIN, MEMBER)
DEFAULT_ROLE = MEMBER


class Permission(StrEnum):
    ITEMS_READ = "items:read"
    ITEMS_CREATE = "items:create"
    ITEMS_UPDATE = "items:update"
    ITEMS_DELETE = "items:delete"
    AUDIT_READ = "audit:read"
    USERS_MANAGE = "users:manage"


ROLE_GRANTS: dict[str, dict[Permission, Scope]] = {
    ADMIN: dict.fromkeys(Permission, "any"),
    MEMBER: {
        Permission.ITEMS_READ: "any",
        Permission.ITEMS_CREATE: "any",
        Permission.ITEMS_UPDATE: "own",
        Permission.ITEMS_DELETE: "own",
    },
}

# (method, route template) -> permission: the protected endpoints of the service.
ENDPOINT_PERMISSIONS: dict[tuple[str, str], Permission] = {
    ("GET", "/items"): Permission.ITEMS_READ,
    ("GET", "/items/{item_id}"): Permission.ITEMS_READ,
    ("POST", "/items"): Permission.ITEMS_CREATE,
    ("PATCH", "/items/{item_id}"): Permission.ITEMS_UPDATE,
    ("DELETE", "/items/{item_id}"): Permission.ITEMS_DELETE,
    ("GET", "/auth/audit"): Permission.AUDIT_READ,
    # API keys are identities: managing them is managing users (api_key_routes.py).
    ("POST", "/auth/api-keys"): Permission.USERS_MANAGE,
    ("GET", "/auth/api-keys"): Permission.USERS_MANAGE,
    ("POST", "/auth/api-keys/{key_id}/revoke"): Permission.USERS_MANAGE,
    ("POST", "/auth/api-keys/{key_id}/rotate"): Permission.USERS_MANAGE,
}
# Routes of auth=local only (with oidc, the provider manages users and their roles), so the
# table names exactly the routes this service has.
LOCAL_ROUTES_MODULE = "app.features.auth.local_routes"
if importlib.util.find_spec(LOCAL_ROUTES_MODULE) is not None:
    ENDPOINT_PERMISSIONS[("PUT", "/auth/users/{user_id}/roles")] = Permission.USERS_MANAGE


def scope_for(roles: frozenset[str], permission: Permission) -> Scope | None:
    """The widest scope any of the roles grants for the permission (None: refused)."""
    scopes = {ROLE_GRANTS.get(role, {}).get(permission) for role in roles}
    if "any" in scopes:
        return "any"
    if "own" in scopes:
        return "own"
    return None
