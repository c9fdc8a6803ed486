"""Application factory: core wiring first, then every feature package found under app/features/."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app import domains
from app.core.about import about
from app.core.database import Database
from app.core.errors import install_error_handlers
from app.core.features import install_features
from app.core.health import install_health
from app.core.lifecycle import Lifecycle
from app.core.logging import configure_logging, get_logger
from app.core.middleware import install_middleware
from app.core.migrations import install_development_migrations
from app.core.openapi import install_openapi
from app.core.read_cache import ReadCache
from app.core.routes import mount_router
from app.core.settings import Settings
from app.core.settings_check import check_or_exit

logger = get_logger("app.main")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    lifecycle: Lifecycle = app.state.lifecycle
    await lifecycle.startup()
    # What exists now (modules, the app, its pools) lives as long as the process. Freezing it
    # spares the garbage collector from rescanning it on every full collection: those pauses
    # were most of the p99 latency under load (benchmarks/observability.py of the shipyard
    # template repository, which renders and loads whole services; not in this repository).
    gc.freeze()
    logger.info("application started", version=app.version, env=app.state.settings.app.env)
    try:
        yield
    finally:
        logger.info("application shutting down")
        await lifecycle.shutdown()
        gc.unfreeze()
        logger.info("application shutdown complete")


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service; settings default to the environment (refusing unsafe production ones).

    Without settings (uvicorn's factory path) a refused configuration exits 2 with one line per
    problem, as `python -m app` does, instead of a traceback.
    """
    settings = settings or check_or_exit().settings
    settings.check_production_safety()
    configure_logging(settings)
    info = about()
    # Interactive docs load scripts from a CDN into the browser; production keeps only the schema.
    show_docs = not settings.is_production
    app = FastAPI(
        title=info.name,
        description=info.description,
        version=info.version,
        lifespan=lifespan,
        docs_url="/docs" if show_docs else None,
        redoc_url="/redoc" if show_docs else None,
    )
    app.state.settings = settings
    app.state.lifecycle = lifecycle = Lifecycle()
    app.state.database = database = Database(settings.database)
    lifecycle.on_shutdown("closing database pool", database.dispose)
    install_development_migrations(app)
    # Domains read through this; a cache feature may replace the no-op default.
    app.state.read_cache = ReadCache()

    install_error_handlers(app)
    install_middleware(app, settings)
    install_health(app)
    install_openapi(app)
    # The domains (items and your own) are registered in app/domains.py, the file copier never
    # overwrites: add yours there, not here.
    for router in domains.ROUTERS:
        mount_router(app, router)

    install_features(app)
    return app
