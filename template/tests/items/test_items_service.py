"""ItemService: a write racing another one is refused, not lost."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import Database
from app.core.settings import DatabaseSettings
from app.items.models import Item
from app.items.schemas import ItemUpdate
from app.items.service import ItemService, VersionMismatch


class RacedItemService(ItemService):
    """Someone else commits a change right after this service has read the item."""

    async def _current(self, session: AsyncSession, item_id: int) -> Item:
        item = await super()._current(session, item_id)  # we read version 1 ...
        async with self.database.sessionmaker() as theirs:  # ... someone else commits version 2
            await theirs.execute(
                update(Item).where(Item.id == item_id).values(version=2, price=Decimal("9.00"))
            )
            await theirs.commit()
        return item


async def test_concurrent_update_between_read_and_write_is_refused(
    client: httpx.AsyncClient, database_url: str
) -> None:
    created = (await client.post("/items", json={"name": "Raced", "price": "1.00"})).json()
    database = Database(DatabaseSettings(url=database_url, _env_file=None))
    try:
        service = RacedItemService(database)
        with pytest.raises(VersionMismatch):  # ... so our write of version 1 must fail
            await service.update(created["id"], ItemUpdate(price=Decimal("5.00")), expected={1})
    finally:
        await database.dispose()
    current = (await client.get(f"/items/{created['id']}")).json()
    assert current["price"] == "9.00"
