"""The idempotency_keys table: claimed keys and the responses they replay (database store)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.orm import Base, UTCDateTime


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (Index("ix_idempotency_keys_expires_at", "expires_at"),)

    # sha256 of the caller and the Idempotency-Key: fixed length, and no client text stored.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    # NULL while the first request is still running.
    status: Mapped[int | None] = mapped_column(Integer())
    headers: Mapped[str | None] = mapped_column(Text())
    body: Mapped[bytes | None] = mapped_column(LargeBinary())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
