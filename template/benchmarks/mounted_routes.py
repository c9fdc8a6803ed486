"""Benchmark: routes mounted on the app (app.core.routes.mount_router) against include_router.

Two FastAPI apps with the service's shape, a health router and an items router of five
operations, one built with FastAPI's include_router and one with mount_router; each GET is called
in-process, one at a time, and its CPU time per request reported. The endpoints do nothing, so
the difference is the routing alone.
Run: uv run python benchmarks/mounted_routes.py
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, FastAPI
from timing import async_cpu_us, http_scope, report

from app.core.routes import mount_router

CALLS = 20_000
PATHS = ("/healthz", "/items/1")


def health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return router


def items_router() -> APIRouter:
    router = APIRouter(prefix="/items", tags=["items"])

    @router.get("")
    async def list_items() -> list[int]:
        return []

    @router.post("")
    async def create_item() -> int:
        return 1

    @router.get("/{item_id}")
    async def read_item(item_id: int) -> int:
        return item_id

    @router.patch("/{item_id}")
    async def update_item(item_id: int) -> int:
        return item_id

    @router.delete("/{item_id}")
    async def delete_item(item_id: int) -> None:
        return None

    return router


def service_shaped_app(add: Callable[[FastAPI, APIRouter], None]) -> FastAPI:
    app = FastAPI()
    add(app, health_router())
    add(app, items_router())
    return app


def get(app: FastAPI, path: str) -> Callable[[], Awaitable[None]]:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(_message: dict[str, Any]) -> None:
        return None

    async def call() -> None:
        await app(http_scope(path=path), receive, send)

    return call


def main() -> None:
    variants = {
        "mount_router": service_shaped_app(mount_router),
        "include_router": service_shaped_app(FastAPI.include_router),
    }
    results = {
        name: {f"cpu_us_per_GET {path}": async_cpu_us(get(app, path), CALLS) for path in PATHS}
        for name, app in variants.items()
    }
    report("routing of a service-shaped FastAPI app, in-process ASGI", {"results": results})


if __name__ == "__main__":
    main()
