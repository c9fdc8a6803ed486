"""Idempotency keys in the service's database (used when the service has no Redis)."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app.core.database import Database
from app.core.database_outage import DatabaseUnavailable
from app.core.orm import utcnow
from app.features.resilience.idempotency_models import IdempotencyKey
from app.features.resilience.idempotency_store import (
    IdempotencyStoreUnavailable,
    KeyRecord,
    StoredResponse,
)


class DatabaseIdempotencyStore:
    """One row per key; the primary key makes a claim atomic on PostgreSQL and SQLite alike."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def claim(self, key: str, fingerprint: str, hold_seconds: int) -> KeyRecord | None:
        try:
            # Twice at most: the row seen on the first attempt may expire before it is read.
            for _ in range(2):
                if await self._insert(key, fingerprint, hold_seconds):
                    return None
                record = await self._read(key)
                if record is not None:
                    return record
        except DatabaseUnavailable as error:
            raise IdempotencyStoreUnavailable(str(error)) from error
        raise IdempotencyStoreUnavailable("the key changed hands while it was being claimed")

    async def _insert(self, key: str, fingerprint: str, hold_seconds: int) -> bool:
        now = utcnow()
        async with self.database.writing() as session:
            # Expired keys go when a key is next claimed: no sweeper process to run.
            await session.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at <= now))
            session.add(
                IdempotencyKey(
                    key=key,
                    fingerprint=fingerprint,
                    expires_at=now + timedelta(seconds=hold_seconds),
                )
            )
            try:
                await session.commit()
            except IntegrityError:
                await session.rollback()
                return False
        return True

    async def _read(self, key: str) -> KeyRecord | None:
        async with self.database.reading() as session:
            row = await session.scalar(
                select(IdempotencyKey).where(
                    IdempotencyKey.key == key, IdempotencyKey.expires_at > utcnow()
                )
            )
        if row is None:
            return None
        response = None
        if row.status is not None:
            response = StoredResponse(
                status=row.status,
                headers=[(name, value) for name, value in json.loads(row.headers or "[]")],
                body=row.body or b"",
            )
        return KeyRecord(fingerprint=row.fingerprint, response=response)

    async def complete(self, key: str, response: StoredResponse, ttl_seconds: int) -> None:
        try:
            async with self.database.writing() as session:
                await session.execute(
                    update(IdempotencyKey)
                    .where(IdempotencyKey.key == key)
                    .values(
                        status=response.status,
                        headers=json.dumps(response.headers),
                        body=response.body,
                        expires_at=utcnow() + timedelta(seconds=ttl_seconds),
                    )
                )
                await session.commit()
        except DatabaseUnavailable as error:
            raise IdempotencyStoreUnavailable(str(error)) from error

    async def release(self, key: str) -> None:
        try:
            async with self.database.writing() as session:
                await session.execute(
                    delete(IdempotencyKey).where(
                        IdempotencyKey.key == key, IdempotencyKey.status.is_(None)
                    )
                )
                await session.commit()
        except DatabaseUnavailable as error:
            raise IdempotencyStoreUnavailable(str(error)) from error

    async def aclose(self) -> None:
        """The database is the service's own; closing it is not this store's job."""
