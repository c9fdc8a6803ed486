"""Order use cases: place an order, read it back."""

from __future__ import annotations

from app.core.database import Database
from app.core.errors import ServiceError
from app.orders.models import Order
from app.orders.schemas import OrderCreate, OrderRead


class OrderNotFound(ServiceError):
    status_code = 404

    def __init__(self, order_id: int) -> None:
        super().__init__(f"Order {order_id} does not exist.")


class OrderService:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def place(self, data: OrderCreate) -> OrderRead:
        async with self.database.sessionmaker() as session:
            order = Order(**data.model_dump())
            session.add(order)
            await session.commit()
            return OrderRead.model_validate(order)

    async def read(self, order_id: int) -> OrderRead:
        async with self.database.sessionmaker() as session:
            order = await session.get(Order, order_id)
            if order is None:
                raise OrderNotFound(order_id)
            return OrderRead.model_validate(order)
