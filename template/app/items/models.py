"""Database table of items, with soft delete and an optimistic-locking version column."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Index, Integer, String, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from app.core.orm import Base, UTCDateTime, utcnow

CENT = Decimal("0.01")


class Money(TypeDecorator[Decimal]):
    """Decimal amounts with two places, stored as integer cents: exact on every backend."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return int((value / CENT).to_integral_value())

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(value) * CENT).quantize(CENT)


class Item(Base):
    __tablename__ = "items"
    __table_args__ = (
        CheckConstraint("price_cents >= 0", name="price_not_negative"),
        # Names are unique among live items only, so a deleted item's name can be reused.
        Index(
            "uq_items_name_live",
            "name",
            unique=True,
            postgresql_where=text("deleted_at IS NULL"),
            sqlite_where=text("deleted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(2000))
    price: Mapped[Decimal] = mapped_column("price_cents", Money())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer(), default=1)

    # The ORM adds "AND version = <loaded>" to every UPDATE and bumps it: lost updates are refused.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
