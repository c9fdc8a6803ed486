"""API keys (every auth mode): `sk_` bearer tokens for service-to-service calls, admin routes."""

from __future__ import annotations

from fastapi import FastAPI

from app.core.routes import mount_router
from app.features.auth.api_key_routes import STORE_STATE, router
from app.features.auth.api_key_settings import ApiKeySettings
from app.features.auth.api_key_verifier import ApiKeyVerifier
from app.features.auth.api_keys import KEY_PREFIX, ApiKeyStore
from app.features.auth.verification import verifier_registry


def install_provider(app: FastAPI) -> None:
    store = ApiKeyStore(app.state.database, ApiKeySettings())
    setattr(app.state, STORE_STATE, store)
    verifier_registry(app).register_prefix(KEY_PREFIX, ApiKeyVerifier(store))
    mount_router(app, router)
