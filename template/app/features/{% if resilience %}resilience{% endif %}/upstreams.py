"""The service's outgoing HTTP upstreams: one client and one breaker each, and a route dependency.

To add one: a settings class in upstream_settings.py, listed in UPSTREAMS below, its variables in
.env.example and docs/configuration.md; then `Depends(upstream("name"))` in a route.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request

from app.core.breaker import CircuitBreaker, register_breaker
from app.features.resilience.stats import ResilienceStats
from app.features.resilience.upstream_client import UpstreamClient
from app.features.resilience.upstream_errors import UpstreamNotConfigured
from app.features.resilience.upstream_settings import ExampleUpstreamSettings, UpstreamOptions

UPSTREAMS: tuple[type[UpstreamOptions], ...] = (ExampleUpstreamSettings,)


def breaker_name(upstream: str) -> str:
    return f"upstream-{upstream}"


def install_upstreams(app: FastAPI, stats: ResilienceStats) -> dict[str, UpstreamClient]:
    """A client for every upstream with a base URL; each closes at shutdown."""
    clients: dict[str, UpstreamClient] = {}
    for settings_class in UPSTREAMS:
        settings = settings_class()
        if not settings.enabled:
            continue
        breaker = CircuitBreaker(breaker_name(settings.name), settings.breaker_policy)
        client = UpstreamClient(settings, register_breaker(app, breaker), stats)
        step = f"closing the {settings.name} upstream client"
        app.state.lifecycle.on_shutdown(step, client.aclose)
        clients[settings.name] = client
    app.state.upstreams = clients
    return clients


def upstream(name: str) -> Callable[[Request], UpstreamClient]:
    """A route dependency: `example: UpstreamClient = Depends(upstream("example"))`."""
    variable = next(
        (f"UPSTREAM_{name.upper()}_BASE_URL" for cls in UPSTREAMS if cls.name == name), None
    )
    if variable is None:
        known = ", ".join(cls.name for cls in UPSTREAMS)
        raise ValueError(f"No upstream named {name!r}; add it to UPSTREAMS (known: {known}).")

    def dependency(request: Request) -> UpstreamClient:
        clients: dict[str, UpstreamClient] = request.app.state.upstreams
        if name not in clients:
            raise UpstreamNotConfigured(name, variable)
        return clients[name]

    return dependency
