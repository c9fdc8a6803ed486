"""app/domains.py, the file teams register their domains in: the factory and the models read it."""

from __future__ import annotations

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute

from app import domains
from app.main import create_app
from app.models import Base
from tests.conftest import MakeClient, MakeSettings


def _mounted_paths(make_settings: MakeSettings) -> set[str]:
    app = create_app(make_settings())
    # The served operations, as the OpenAPI document lists them (the app routes through its own
    # dispatcher, so app.routes is not the list to read).
    return set(app.openapi()["paths"])


def test_every_registered_router_is_mounted(make_settings: MakeSettings) -> None:
    mounted = _mounted_paths(make_settings)
    for router in domains.ROUTERS:
        for route in router.routes:
            assert isinstance(route, APIRoute)
            assert route.path in mounted, f"{route.path} is in app/domains.py but not served"


async def test_a_router_added_to_domains_is_served(
    monkeypatch: pytest.MonkeyPatch, make_client: MakeClient
) -> None:
    extra = APIRouter(prefix="/team-extension", tags=["team"])

    @extra.get("")
    async def answer() -> dict[str, str]:
        return {"served": "yes"}

    monkeypatch.setattr(domains, "ROUTERS", (*domains.ROUTERS, extra))
    async with make_client() as client:
        response = await client.get("/team-extension")
    assert response.status_code == 200
    assert response.json() == {"served": "yes"}


def test_every_registered_model_has_its_table_in_the_metadata() -> None:
    for model in domains.MODELS:
        assert Base.metadata.tables[model.__tablename__] is model.__table__
