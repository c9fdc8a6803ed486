"""How a bearer credential becomes a Principal: the verifier interface and the registry.

Every kind of credential has a `BearerVerifier`: the local JWT verifier (auth=local), the OIDC
verifier (auth=oidc), API keys. `VerifierRegistry` (one per app, on `app.state.auth_verifiers`)
picks the verifier for a token:

1. a token that starts with a registered prefix (API keys carry one, e.g. "sk_") goes to the
   verifier registered for that prefix; the longest matching prefix wins;
2. every other token goes to the default verifier (the JWT one: local or OIDC).

A provider module registers itself at install time:

    registry = verifier_registry(app)
    registry.set_default(LocalJwtVerifier(...))        # JWTs
    registry.register_prefix("sk_", ApiKeyVerifier(...))  # API keys

A verifier raises `CredentialRejected(reason)` for any credential it does not accept; `reason` is
a short machine word for logs, metrics and the audit log ("expired", "bad_signature",
"unknown_kid", ...), never the credential or a part of it. The client only ever sees one
generic 401 answer, so a reason leaks nothing to an attacker.
"""

from __future__ import annotations

from typing import Protocol

from fastapi import FastAPI

from app.features.auth.principal import Principal

REGISTRY_STATE = "auth_verifiers"


class CredentialRejected(Exception):
    """The credential was refused; `reason` is a short word (never the credential)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BearerVerifier(Protocol):
    async def verify(self, token: str) -> Principal:
        """The principal the token stands for; raises CredentialRejected otherwise."""
        ...


class VerifierRegistry:
    """Picks the verifier for a bearer token: by prefix first, else the default."""

    def __init__(self) -> None:
        self._by_prefix: dict[str, BearerVerifier] = {}
        self._default: BearerVerifier | None = None

    def set_default(self, verifier: BearerVerifier) -> None:
        self._default = verifier

    def register_prefix(self, prefix: str, verifier: BearerVerifier) -> None:
        if not prefix:
            raise ValueError("a verifier prefix must not be empty; use set_default instead")
        self._by_prefix[prefix] = verifier

    def verifier_for(self, token: str) -> BearerVerifier:
        for prefix in sorted(self._by_prefix, key=len, reverse=True):
            if token.startswith(prefix):
                return self._by_prefix[prefix]
        if self._default is None:
            raise CredentialRejected("no_verifier")
        return self._default

    async def verify(self, token: str) -> Principal:
        return await self.verifier_for(token).verify(token)


def verifier_registry(app: FastAPI) -> VerifierRegistry:
    """The app's registry, created on first use."""
    registry = getattr(app.state, REGISTRY_STATE, None)
    if registry is None:
        registry = VerifierRegistry()
        setattr(app.state, REGISTRY_STATE, registry)
    assert isinstance(registry, VerifierRegistry)  # noqa: S101 - only this module sets it
    return registry
