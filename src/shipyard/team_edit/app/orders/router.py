"""HTTP routes of the orders API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status

from app.core.problems import problem_responses
from app.orders.schemas import MAX_ID, OrderCreate, OrderRead
from app.orders.service import OrderService

router = APIRouter(prefix="/orders", tags=["orders"])


async def get_order_service(request: Request) -> OrderService:
    return OrderService(request.app.state.database)


OrderServiceDep = Annotated[OrderService, Depends(get_order_service)]
OrderId = Annotated[int, Path(ge=1, le=MAX_ID, description="Id of the order")]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=OrderRead,
    summary="Place an order",
    responses={
        201: {
            "headers": {
                "Location": {"description": "URL of the new order", "schema": {"type": "string"}}
            }
        },
        **problem_responses(422),
    },
)
async def place_order(
    data: OrderCreate, service: OrderServiceDep, request: Request, response: Response
) -> OrderRead:
    order = await service.place(data)
    response.headers["Location"] = str(request.app.url_path_for("get_order", order_id=order.id))
    return order


@router.get(
    "/{order_id}",
    response_model=OrderRead,
    summary="Read an order",
    responses=problem_responses(404, 422),
)
async def get_order(order_id: OrderId, service: OrderServiceDep) -> OrderRead:
    return await service.read(order_id)
