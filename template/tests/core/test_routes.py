"""mount_router: routers become the app's own routes, with the same API as include_router gives."""

from __future__ import annotations

import sys
from collections.abc import Callable

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI, status
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.routing import Route

from app.core.routes import mount_router
from app.main import create_app
from tests.conftest import MakeSettings


class Answer(BaseModel):
    value: str


def who_is_asking() -> str:
    return "the router's dependency"


def team_router() -> APIRouter:
    """A router using what teams set on theirs: prefix, tags, router-level dependencies..."""
    router = APIRouter(
        prefix="/orders",
        tags=["orders"],
        dependencies=[Depends(who_is_asking)],
        responses={status.HTTP_409_CONFLICT: {"description": "Already placed"}},
    )

    @router.get("/{order_id}", response_model=Answer, summary="One order")
    async def read_order(order_id: int, asker: str = Depends(who_is_asking)) -> Answer:
        """Read one order.

        \f
        Not in the schema.
        """
        return Answer(value=f"{order_id} for {asker}")

    @router.post("", status_code=status.HTTP_201_CREATED, deprecated=True)
    async def place_order(answer: Answer) -> Answer:
        return answer

    @router.get("/internal", include_in_schema=False)
    async def internal() -> dict[str, str]:
        return {"internal": "yes"}

    return router


def app_with(add: Callable[[FastAPI, APIRouter], None]) -> FastAPI:
    """An app given the team router by `add`: mount_router, or FastAPI's include_router."""
    app = FastAPI()
    add(app, team_router())
    return app


def test_a_mounted_router_documents_the_same_api_as_an_included_one() -> None:
    mounted = app_with(mount_router)
    included = app_with(FastAPI.include_router)
    assert mounted.openapi() == included.openapi()


async def test_a_mounted_router_serves_its_routes_and_honours_dependency_overrides() -> None:
    app = app_with(mount_router)
    app.dependency_overrides[who_is_asking] = lambda: "an override"
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        read = await client.get("/orders/7")
        placed = await client.post("/orders", json={"value": "new"})
        wrong_method = await client.delete("/orders/7")
    assert read.json() == {"value": "7 for an override"}
    assert placed.status_code == 201
    assert wrong_method.status_code == 405


def test_the_service_routes_are_its_own_not_nested_routers(make_settings: MakeSettings) -> None:
    app = create_app(make_settings())
    nested = [route for route in app.router.routes if not isinstance(route, APIRoute | Route)]
    assert not nested, f"matched through a nested router on every request: {nested}"


def test_the_service_documents_the_same_api_as_with_include_router(
    monkeypatch: pytest.MonkeyPatch, make_settings: MakeSettings
) -> None:
    mounted = create_app(make_settings()).openapi()
    # Every module that mounts a router (core, domains, features) includes it instead.
    for module in list(sys.modules.values()):
        if getattr(module, "mount_router", None) is mount_router and module.__name__ != __name__:
            monkeypatch.setattr(module, "mount_router", FastAPI.include_router)
    included = create_app(make_settings()).openapi()
    assert mounted == included


async def test_a_router_holding_a_nested_router_is_included_as_fastapi_does_it() -> None:
    outer = APIRouter(prefix="/shop")
    outer.include_router(team_router())
    app = FastAPI()
    mount_router(app, outer)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        read = await client.get("/shop/orders/3")
    assert read.json() == {"value": "3 for the router's dependency"}
