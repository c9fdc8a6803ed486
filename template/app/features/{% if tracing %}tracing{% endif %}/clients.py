"""Client spans for outgoing httpx and Redis calls, when those libraries are installed."""

from __future__ import annotations

import importlib
from importlib.util import find_spec

from opentelemetry.sdk.trace import TracerProvider

# Generated only with a Redis feature (the cache or Redis rate limiting), which brings redis-py.
REDIS_SPANS_MODULE = "app.features.tracing.redis_client"


def instrument_clients(provider: TracerProvider) -> list[str]:
    """Patch httpx and redis-py (once per process); returns the libraries instrumented."""
    instrumented = []
    # httpx is a dev dependency of the service; redis comes with the cache or rate-limit feature.
    if find_spec("httpx") is not None:
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

        HTTPXClientInstrumentor().instrument(tracer_provider=provider)
        instrumented.append("httpx")
    if find_spec("redis") is not None and find_spec(REDIS_SPANS_MODULE) is not None:
        # Our own spans, not the stock instrumentor: see redis_client.py for why.
        redis_spans = importlib.import_module(REDIS_SPANS_MODULE)
        redis_spans.instrument_redis(provider.get_tracer("app.redis"))
        instrumented.append("redis")
    return instrumented
