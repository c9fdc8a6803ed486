"""Client spans for outgoing httpx calls (when httpx is installed) and the service's Redis."""

from __future__ import annotations

from importlib.util import find_spec

from opentelemetry.sdk.trace import TracerProvider

from app.features import joins


def instrument_clients(provider: TracerProvider) -> list[str]:
    """Patch httpx and redis-py (once per process); returns the libraries instrumented."""
    instrumented = []
    # A library, not a feature: httpx is a dev dependency (a runtime one with resilience).
    if find_spec("httpx") is not None:
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

        HTTPXClientInstrumentor().instrument(tracer_provider=provider)
        instrumented.append("httpx")
    # With the cache or Redis rate limiting; our own spans, not the stock instrumentor (see
    # redis_client.py for why).
    instrumented += joins.instrument_redis_clients(provider)
    return instrumented
