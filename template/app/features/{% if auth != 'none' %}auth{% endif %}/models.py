"""Tables every auth mode has: the audit log and the owner of each item."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.orm import Base, UTCDateTime, utcnow

SUBJECT_LENGTH = 255


class AuditEvent(Base):
    """One auth event or resource write; the service only ever inserts (audit.py)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    outcome: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str | None] = mapped_column(String(SUBJECT_LENGTH), index=True)
    credential_id: Mapped[str | None] = mapped_column(String(128))
    client_ip: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64))
    resource: Mapped[str | None] = mapped_column(String(255))
    reason: Mapped[str | None] = mapped_column(String(64))


class ItemOwner(Base):
    """Who created an item: members may change only the items they own."""

    __tablename__ = "item_owners"

    item_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        ForeignKey("items.id", ondelete="CASCADE"),
        primary_key=True,
    )
    owner: Mapped[str] = mapped_column(String(SUBJECT_LENGTH), index=True)
