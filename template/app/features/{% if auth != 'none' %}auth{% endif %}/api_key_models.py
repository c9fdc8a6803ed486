"""The api_keys table: one row per key; the secret itself is never stored, only its hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.orm import Base, UTCDateTime, utcnow

SUBJECT_LENGTH = 255


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    # The public part of the key (sk_<key_id>_<secret>): how it is found, listed and revoked.
    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    # The principal the key acts as: the calling service's name, recorded in the audit log.
    subject: Mapped[str] = mapped_column(String(SUBJECT_LENGTH), index=True)
    roles: Mapped[str] = mapped_column(String(255))  # space-separated
    created_by: Mapped[str | None] = mapped_column(String(SUBJECT_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The key this one replaced (rotation): both work until the old one's expires_at.
    rotated_from: Mapped[str | None] = mapped_column(String(32))

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(self.roles.split())
