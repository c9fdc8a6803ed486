"""Who is calling: the one identity type every verifier (JWT, OIDC, API key) produces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PrincipalKind = Literal["user", "api_key"]


@dataclass(frozen=True)
class Principal:
    """An authenticated caller.

    `subject` is the stable id the audit log and item ownership record (a user id, an OIDC `sub`,
    an API key's owner); `credential_id` names the credential used (a token's jti, an API key's
    id) so an audit row can say which one, never the credential itself.
    """

    subject: str
    roles: frozenset[str]
    kind: PrincipalKind
    credential_id: str | None = None

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def identity(self) -> str:
        """Whom per-caller limits count against (app.features.rate_limit.client_identity)."""
        return self.subject
