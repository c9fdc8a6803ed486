"""Wires Idempotency-Key handling into the app: its store, middleware and OpenAPI description."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from app.core.middleware import add_feature_middleware
from app.features.resilience.idempotency import IdempotencyMiddleware
from app.features.resilience.idempotency_backend import create_store
from app.features.resilience.idempotency_contract import document_idempotency
from app.features.resilience.idempotency_settings import IdempotencySettings


def install_idempotency(app: FastAPI) -> None:
    settings = IdempotencySettings()
    if not settings.enabled:
        return
    store = create_store(app)
    app.state.idempotency_store = store
    app.state.lifecycle.on_shutdown("closing idempotency store", store.aclose)
    add_feature_middleware(
        app,
        IdempotencyMiddleware,
        store=store,
        settings=settings,
        max_body_bytes=app.state.settings.security.max_request_body_bytes,
    )
    build_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        fresh = app.openapi_schema is None
        schema = build_openapi()
        if fresh:
            document_idempotency(schema, settings.applies_to)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
