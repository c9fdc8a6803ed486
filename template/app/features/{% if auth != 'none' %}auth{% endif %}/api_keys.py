"""API keys for service-to-service calls: shown once, stored hashed, expiring, revocable, rotatable.

A key reads `sk_<key_id>_<secret>`: `key_id` (16 hex digits) finds the row and is safe to show in
lists and logs; `secret` is 32 random bytes (secrets.token_urlsafe). Only SHA-256 of the secret is
stored. A plain hash is enough here, unlike for passwords: with 256 random bits there is nothing to
guess, so a slow hash (argon2, ~50 ms) would only make every API call slower. Comparison is
constant-time (hmac.compare_digest).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from app.core.database import Database
from app.core.errors import ServiceError
from app.core.orm import utcnow
from app.features.auth.api_key_models import ApiKey
from app.features.auth.api_key_settings import ApiKeySettings
from app.features.auth.verification import CredentialRejected

KEY_PREFIX = "sk_"
KEY_ID_BYTES = 8
SECRET_BYTES = 32


class ApiKeyNotFound(ServiceError):
    status_code = 404

    def __init__(self, key_id: str) -> None:
        super().__init__(f"API key {key_id} does not exist.")


class ApiKeyInactive(ServiceError):
    status_code = 409

    def __init__(self, key_id: str) -> None:
        super().__init__(f"API key {key_id} is revoked or expired; create a new one instead.")


@dataclass(frozen=True)
class IssuedKey:
    """A new key: `secret_key` is the whole credential, returned to its creator once."""

    record: ApiKey
    secret_key: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_key() -> tuple[str, str, str]:
    """(key_id, secret, the credential to hand out)."""
    key_id, secret = secrets.token_hex(KEY_ID_BYTES), secrets.token_urlsafe(SECRET_BYTES)
    return key_id, secret, f"{KEY_PREFIX}{key_id}_{secret}"


def split_key(credential: str) -> tuple[str, str]:
    """(key_id, secret) of `sk_<key_id>_<secret>`; CredentialRejected when it is not that shape."""
    key_id, separator, secret = credential.removeprefix(KEY_PREFIX).partition("_")
    if (
        not credential.startswith(KEY_PREFIX)
        or not separator
        or len(key_id) != 2 * KEY_ID_BYTES
        or not secret
    ):
        raise CredentialRejected("malformed_api_key")
    return key_id, secret


def is_active(key: ApiKey, now: datetime) -> bool:
    return key.revoked_at is None and key.expires_at > now


class ApiKeyStore:
    """The api_keys table: issue, list, revoke, rotate, and check a presented key."""

    def __init__(
        self,
        database: Database,
        settings: ApiKeySettings,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._database = database
        self._settings = settings
        self._clock = clock

    async def create(
        self,
        *,
        name: str,
        subject: str,
        roles: frozenset[str],
        ttl_days: int | None,
        created_by: str | None,
        rotated_from: str | None = None,
    ) -> IssuedKey:
        key_id, secret, credential = new_key()
        now = self._clock()
        record = ApiKey(
            key_id=key_id,
            secret_hash=hash_secret(secret),
            name=name,
            subject=subject,
            roles=" ".join(sorted(roles)),
            created_by=created_by,
            created_at=now,
            expires_at=now + timedelta(days=ttl_days or self._settings.default_ttl_days),
            rotated_from=rotated_from,
        )
        async with self._database.writing() as session:
            session.add(record)
            await session.commit()
            await session.refresh(record)
        return IssuedKey(record, credential)

    async def all_keys(self) -> list[ApiKey]:
        async with self._database.reading() as session:
            return list((await session.scalars(select(ApiKey).order_by(ApiKey.id))).all())

    async def get(self, key_id: str) -> ApiKey:
        async with self._database.reading() as session:
            key = await session.scalar(select(ApiKey).where(ApiKey.key_id == key_id))
        if key is None:
            raise ApiKeyNotFound(key_id)
        return key

    async def revoke(self, key_id: str) -> ApiKey:
        async with self._database.writing() as session:
            key = await session.scalar(select(ApiKey).where(ApiKey.key_id == key_id))
            if key is None:
                raise ApiKeyNotFound(key_id)
            if key.revoked_at is None:
                key.revoked_at = self._clock()
            await session.commit()
            await session.refresh(key)
        return key

    async def rotate(self, key_id: str, created_by: str | None) -> tuple[IssuedKey, ApiKey]:
        """A new key with the same name, subject and roles; the old one ends after the overlap."""
        old = await self.get(key_id)
        now = self._clock()
        if not is_active(old, now):
            raise ApiKeyInactive(key_id)
        ttl_days = max(1, (old.expires_at - old.created_at).days)
        issued = await self.create(
            name=old.name,
            subject=old.subject,
            roles=old.role_set,
            ttl_days=min(ttl_days, self._settings.max_ttl_days),
            created_by=created_by,
            rotated_from=old.key_id,
        )
        ends = min(old.expires_at, now + timedelta(hours=self._settings.rotation_overlap_hours))
        async with self._database.writing() as session:
            await session.execute(
                update(ApiKey).where(ApiKey.key_id == key_id).values(expires_at=ends)
            )
            await session.commit()
        return issued, await self.get(key_id)

    async def authenticate(self, credential: str) -> ApiKey:
        """The active key this credential is; CredentialRejected otherwise. Records its use."""
        key_id, secret = split_key(credential)
        async with self._database.reading() as session:
            key = await session.scalar(select(ApiKey).where(ApiKey.key_id == key_id))
        # Compared even when no row exists, so a timing difference does not reveal known ids.
        expected = key.secret_hash if key is not None else hash_secret(secrets.token_hex(8))
        if not hmac.compare_digest(expected, hash_secret(secret)) or key is None:
            raise CredentialRejected("unknown_api_key")
        now = self._clock()
        if key.revoked_at is not None:
            raise CredentialRejected("api_key_revoked")
        if key.expires_at <= now:
            raise CredentialRejected("api_key_expired")
        await self._record_use(key, now)
        return key

    async def _record_use(self, key: ApiKey, now: datetime) -> None:
        threshold = now - timedelta(seconds=self._settings.last_used_resolution_seconds)
        if key.last_used_at is not None and key.last_used_at > threshold:
            return  # recorded recently enough; spares a write per request
        async with self._database.writing() as session:
            await session.execute(
                update(ApiKey)
                .where(ApiKey.id == key.id)
                .where(or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at <= threshold))
                .values(last_used_at=now)
            )
            await session.commit()
        key.last_used_at = now
