"""Item use cases: persistence rules, optimistic concurrency and keyset pagination."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, select
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from app.core.database import Database
from app.core.errors import ServiceError
from app.core.events import publish
from app.core.orm import utcnow
from app.core.read_cache import ReadCache
from app.items.models import Item
from app.items.schemas import ItemCreate, ItemRead, ItemSlice, ItemUpdate

# The name items have in the read cache (its keys and invalidations).
CACHE_ENTITY = "item"

# Domain events published after the change is committed (see app.core.events).
ITEM_CREATED = "item.created"
ITEM_DELETED = "item.deleted"


class ItemNotFound(ServiceError):
    status_code = 404

    def __init__(self, item_id: int) -> None:
        super().__init__(f"Item {item_id} does not exist.")


class ItemNameTaken(ServiceError):
    status_code = 409

    def __init__(self, name: str) -> None:
        super().__init__(f"An item named {name!r} already exists.")


class VersionMismatch(ServiceError):
    status_code = 412

    def __init__(self) -> None:
        super().__init__(
            "The item changed since you read it (its ETag no longer matches If-Match); "
            "fetch it again and retry with the new ETag."
        )


class InvalidFilter(ServiceError):
    status_code = 400


@dataclass(frozen=True)
class ItemFilters:
    name_contains: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        if (
            self.min_price is not None
            and self.max_price is not None
            and self.min_price > self.max_price
        ):
            raise InvalidFilter("min_price must not be greater than max_price.")
        conditions = []
        if self.name_contains:
            conditions.append(
                func.lower(Item.name).contains(self.name_contains.lower(), autoescape=True)
            )
        if self.min_price is not None:
            conditions.append(Item.price >= self.min_price)
        if self.max_price is not None:
            conditions.append(Item.price <= self.max_price)
        return conditions


# None means "any version" (If-Match: *); otherwise the versions the caller says it has seen.
ExpectedVersions = Collection[int] | None


# Built once: constructing a statement costs more CPU than running it from SQLAlchemy's cache.
LIVE_ITEM_BY_ID = select(Item).where(Item.id == bindparam("item_id"), Item.deleted_at.is_(None))
# What the API reads: ItemRead's fields as plain rows (Database.reading_rows), no ORM objects.
# Labels name each column after its attribute (`price` is stored as `price_cents`).
ITEM_READ_COLUMNS = [getattr(Item, field).label(field) for field in ItemRead.model_fields]
LIVE_ITEM_ROW_BY_ID = select(*ITEM_READ_COLUMNS).where(
    Item.id == bindparam("item_id"), Item.deleted_at.is_(None)
)


class ItemService:
    """Each use case is one unit of work: reads on a read session, changes in one transaction."""

    def __init__(self, database: Database, reads: ReadCache | None = None) -> None:
        self.database = database
        # API reads go through this and writes report to it (a no-op unless a cache is installed).
        self.reads = reads or ReadCache()

    async def read(self, item_id: int) -> ItemRead:
        """The live item as the API returns it, via the read cache."""

        async def load() -> ItemRead:
            async with self.database.reading_rows() as rows:
                row = (await rows.execute(LIVE_ITEM_ROW_BY_ID, {"item_id": item_id})).first()
            if row is None:
                raise ItemNotFound(item_id)
            return ItemRead.model_validate(row)

        return await self.reads.read_one(CACHE_ENTITY, str(item_id), ItemRead, load)

    async def read_page(self, filters: ItemFilters, after_id: int | None, limit: int) -> ItemSlice:
        """One page of live items as the API returns them, via the read cache."""

        async def load() -> ItemSlice:
            async with self.database.reading_rows() as rows:
                items, has_more = await _live_page(rows, filters, after_id, limit)
            return ItemSlice(
                items=[ItemRead.model_validate(item) for item in items], has_more=has_more
            )

        query = json.dumps(
            {**asdict(filters), "after": after_id, "limit": limit}, sort_keys=True, default=str
        )
        return await self.reads.read_list(CACHE_ENTITY, query, ItemSlice, load)

    async def create(self, data: ItemCreate) -> Item:
        async with self.database.writing() as session:
            item = Item(name=data.name, description=data.description, price=data.price)
            session.add(item)
            await _commit(session, item.name)
        await self.reads.changed(CACHE_ENTITY, str(item.id))
        publish(ITEM_CREATED, item_id=item.id)
        return item

    async def update(self, item_id: int, data: ItemUpdate, expected: ExpectedVersions) -> Item:
        async with self.database.writing() as session:
            item = await self._current(session, item_id)
            _check_version(item, expected)
            for field, value in data.model_dump(exclude_unset=True).items():
                setattr(item, field, value)
            item.updated_at = utcnow()
            await _commit(session, item.name)
        await self.reads.changed(CACHE_ENTITY, str(item.id))
        return item

    async def delete(self, item_id: int, expected: ExpectedVersions) -> None:
        async with self.database.writing() as session:
            item = await self._current(session, item_id)
            _check_version(item, expected)
            item.deleted_at = item.updated_at = utcnow()
            await _commit(session, item.name)
        await self.reads.changed(CACHE_ENTITY, str(item.id))
        publish(ITEM_DELETED, item_id=item_id)

    async def _current(self, session: AsyncSession, item_id: int) -> Item:
        """The live item as `session` sees it now."""
        item = await session.scalar(LIVE_ITEM_BY_ID, {"item_id": item_id})
        if item is None:
            raise ItemNotFound(item_id)
        return item


async def _live_page(
    rows: AsyncConnection, filters: ItemFilters, after_id: int | None, limit: int
) -> tuple[Sequence[Row[Any]], bool]:
    """Up to `limit` live items with id > after_id, by id; and whether more follow."""
    query = select(*ITEM_READ_COLUMNS).where(Item.deleted_at.is_(None), *filters.conditions())
    if after_id is not None:
        query = query.where(Item.id > after_id)
    found = (await rows.execute(query.order_by(Item.id).limit(limit + 1))).all()
    return found[:limit], len(found) > limit


async def _commit(session: AsyncSession, name: str) -> None:
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise ItemNameTaken(name) from None
    except StaleDataError:
        # Another request updated the row between our read and our write.
        await session.rollback()
        raise VersionMismatch() from None


def _check_version(item: Item, expected: ExpectedVersions) -> None:
    if expected is not None and item.version not in expected:
        raise VersionMismatch()
