"""Resilience: breakers, upstream clients, a deadline, shedding and Idempotency-Key on POST."""

from __future__ import annotations

from fastapi import FastAPI

from app.core.breaker import CircuitBreaker, register_breaker
from app.core.middleware import add_feature_middleware
from app.core.openapi_contract import document_response
from app.core.routes import mount_router
from app.features import joins
from app.features.resilience.breakers_api import router
from app.features.resilience.deadline import DEADLINE_EXCEEDED, DeadlineMiddleware
from app.features.resilience.idempotency_install import install_idempotency
from app.features.resilience.overload import Admission, OverloadMiddleware
from app.features.resilience.reset_guard import OPS_STATE
from app.features.resilience.settings import ResilienceSettings
from app.features.resilience.stats import ResilienceStats
from app.features.resilience.upstreams import install_upstreams

# Before the cache, so the Redis breaker it registers is watched (metrics) too.
INSTALL_ORDER = 15


def install(app: FastAPI) -> None:
    settings = ResilienceSettings()
    stats = ResilienceStats()
    joins.attach_resilience_metrics(stats)
    app.state.resilience_stats = stats
    setattr(app.state, OPS_STATE, settings.ops_token.get_secret_value())
    # Breakers registered later (the cache's) are watched too.
    app.state.breaker_hooks = [stats.watch]
    database = app.state.database
    database.breaker = register_breaker(app, CircuitBreaker("database", settings.breaker_policy))
    install_upstreams(app, stats)

    # Shedding is the outermost layer (add_middleware puts it outside everything added so far,
    # tracing's included, and no later feature adds to the outside): a shed request costs no
    # span, log line or route work, so under overload the CPU goes to the admitted ones.
    admission = Admission(settings.max_in_flight, settings.max_queued, settings.max_queue_seconds)
    app.state.admission = admission
    app.add_middleware(
        OverloadMiddleware,
        admission=admission,
        retry_after=settings.shed_retry_after_seconds,
        stats=stats,
    )
    # Inside shedding (a shed request claims no key), outside the deadline (whose 504 it sees).
    install_idempotency(app)
    add_feature_middleware(app, DeadlineMiddleware, seconds=settings.request_deadline_seconds)
    document_response(app, DEADLINE_EXCEEDED)
    mount_router(app, router)
