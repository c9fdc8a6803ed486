"""BearerVerifier for API keys: `Bearer sk_...` acts as the key's subject, with its roles."""

from __future__ import annotations

from app.features.auth.api_keys import ApiKeyStore
from app.features.auth.principal import Principal


class ApiKeyVerifier:
    def __init__(self, store: ApiKeyStore) -> None:
        self._store = store

    async def verify(self, token: str) -> Principal:
        key = await self._store.authenticate(token)
        return Principal(
            subject=key.subject, roles=key.role_set, kind="api_key", credential_id=key.key_id
        )
