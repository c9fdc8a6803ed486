"""Client spans for outgoing httpx and Redis calls, when those libraries are installed."""

from __future__ import annotations

from importlib.util import find_spec

from opentelemetry.sdk.trace import TracerProvider


def instrument_clients(provider: TracerProvider) -> list[str]:
    """Patch httpx and redis-py (once per process); returns the libraries instrumented."""
    instrumented = []
    # httpx is a dev dependency of the service; redis comes with the cache or rate-limit feature.
    if find_spec("httpx") is not None:
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

        HTTPXClientInstrumentor().instrument(tracer_provider=provider)
        instrumented.append("httpx")
    if find_spec("redis") is not None:
        # Our own, not the stock instrumentor: see redis_client.py for why.
        from app.features.tracing.redis_client import instrument_redis

        instrument_redis(provider.get_tracer("app.redis"))
        instrumented.append("redis")
    return instrumented
